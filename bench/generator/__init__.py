"""A seeded, national-scale dataset on top of the reference data: geography, organisations,
targets, projects and observations, as a bulk database load and as partner CSV files."""
