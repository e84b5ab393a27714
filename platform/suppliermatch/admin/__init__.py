"""Platform administration: users, organisations and clusters, for admins only."""
