"""kjh: data warehouse and ETL pipeline for youth-welfare statistics (SGB VIII)."""
