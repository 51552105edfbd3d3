"""Demo users (`accounts`) and content (`content`) for `make run`, created
through the services so that rules and audit hold."""
