"""Reports staff can look at: CSV files and PNG charts."""
