"""Built-in domain vocabulary added to the segmenter on first use.

Technical terms common in Chinese technology-transfer listings (demands, achievements, patents)
that the general-purpose jieba dictionary splits or does not know. Keeping them whole makes
"锂离子电池" one token instead of "锂离子" + "电池", which sharpens ranking; index-time sub-words
(see :func:`techbridge.text.tokenise.tokenise_for_index`) keep partial queries working.
Only pure-Han terms are useful here: Latin parts are tokenised separately by a regex.
"""

from __future__ import annotations

_TERMS = """
技术转移 成果转化 科技成果转化 技术经纪人 技术经理人 技术合同 技术合同登记 技术市场 技术交易
知识产权 专利许可 专利转让 专利申请 发明专利 实用新型 技术秘密 技术入股 作价入股 孵化器
众创空间 产学研 产业化 中试 中试基地 概念验证 首台套 揭榜挂帅 科技型中小企业 高新技术企业
锂离子电池 动力电池 储能电池 固态电池 正极材料 负极材料 电解液 隔膜 燃料电池 光伏组件
赤泥 拜耳法 氧化铝 电解铝 铝合金 钛合金 镁合金 高温合金 稀土永磁 粉末冶金 增材制造 激光熔覆
反渗透膜 海水淡化 污水处理 烟气脱硫 烟气脱硝 脱硝催化剂 催化剂 挥发性有机物 固废资源化
尾矿 煤矸石 胶凝材料 碳捕集 碳减排 新能源汽车 智能网联 工业机器人 机器视觉 数控机床 密封条 注塑模具
人工智能 大数据 云计算 物联网 区块链 工业互联网 边缘计算 数字孪生 动画渲染 虚拟现实
中药材 中药饮片 生物医药 医疗器械 体外诊断 疫苗 基因编辑 细胞治疗 农产品加工 节水灌溉
"""

DOMAIN_TERMS: tuple[str, ...] = tuple(dict.fromkeys(_TERMS.split()))
