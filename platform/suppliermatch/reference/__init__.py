"""Reference data and the rules that come with it: taxonomy, certificates, identifiers, places."""
