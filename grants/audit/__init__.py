"""The audit log: who did what to which object, when, with the changed fields."""
