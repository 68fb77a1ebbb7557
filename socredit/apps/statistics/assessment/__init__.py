"""考核报告 — the periodic assessment report of a region (docs/statistics.md, "The assessment report").

``periods`` reads a period (a quarter, a month, a year or two dates) and its previous one;
``content`` builds the report's sections from the stored figures and a few set-based queries;
``render`` lays them out as PDF and XLSX; ``services.generate_assessment_report`` keeps one.
"""
