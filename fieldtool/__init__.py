"""Domain of fieldtool: entities, rules and services. Imports no Qt."""
