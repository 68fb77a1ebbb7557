"""年度工作报告 — the annual work report of a social organization: its shape (``schema``), the checks
of one statement (``validation``), the automatic review checks (``checks``) and the filing deadlines
(``deadlines``)."""
