"""HTTP views: thin translations between URLs and the catalog (and, later, the services)."""
