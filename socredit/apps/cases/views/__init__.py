"""Case views by audience: staff inbox and per-kind pages, organization self-service (/my/), public pages."""
