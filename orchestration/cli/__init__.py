"""The `mmsreport` command."""
