# The two front-door commands are `make run` and `make test` (see README.md).
.PHONY: run dev test lint setup help

help:
	@echo "make run   - set up, load demo data, serve on http://127.0.0.1:8000 (gunicorn, DEBUG off)"
	@echo "make dev   - the same with Django's development server and DEBUG on (development only)"
	@echo "make test  - set up (including test tools and chromium) and run the whole suite"

run:
	@tools/run-demo

dev:
	@tools/run-demo --dev

test:
	@tools/test

lint:
	@tools/lint

setup:
	@tools/setup
