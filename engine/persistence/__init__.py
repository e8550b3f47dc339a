"""Where cases live: the database connection, the schema and its migrations, the ORM tables."""
