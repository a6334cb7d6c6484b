"""Supervision pages: reports and their workflow, the supervision board and figures, the
bureau's settings, and the mobile page for personal-link holders."""
