from techbridge.search.highlight import highlight, snippet


def test_highlight_marks_original_traditional_and_full_width_text():
    assert highlight("鋰離子電池", ["锂离子"]) == "<mark>鋰離子</mark>電池"
    assert highlight("ＣＡＥ仿真", ["cae"]) == "<mark>ＣＡＥ</mark>仿真"


def test_highlight_escapes_everything_else():
    html = highlight("<script>锂</script>", ["锂"])
    assert "<script>" not in html and "<mark>锂</mark>" in html


def test_snippet_windows_around_the_first_match():
    text = "前" * 300 + "反渗透膜" + "后" * 300
    out = snippet(text, ["反渗透膜"])
    assert "<mark>反渗透膜</mark>" in out and out.startswith("…") and out.endswith("…")
