"""The rules of decisions and awards; views, tasks and the CLI call these."""
