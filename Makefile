# The two front-door commands are `make run` and `make test` (see README.md).
.PHONY: run test lint setup help

help:
	@echo "make run   - set up, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test  - set up (including test tools and chromium) and run the whole suite"

run:
	@tools/run-demo

test:
	@tools/test

lint:
	@tools/lint

setup:
	@tools/setup
