"""The staff desk: escalations as cases in a staff group, relayed both ways, staff commands."""
