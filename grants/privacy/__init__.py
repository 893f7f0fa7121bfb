"""Personal data rights (GDPR): a person's data exported (Articles 15 and 20) and erased (Article 17)."""
