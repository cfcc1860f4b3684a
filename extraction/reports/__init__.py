"""Annual disclosure reports (政府信息公开工作年度报告) as data; see extraction.reports.report."""
