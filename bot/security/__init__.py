"""Protection of beneficiaries' personal data."""
