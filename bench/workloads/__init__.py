"""Workloads: every module here with NAME, TITLE and run(target, ctx) is one."""
