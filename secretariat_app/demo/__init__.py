"""Demo users (`accounts`) and content (`content`) for `make run`, created
through the services so that rules and audit hold; `seed`: what `flask seed`
and `flask reference load` load, in one place."""
