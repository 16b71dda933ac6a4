"""Import of the Secretariat's member spreadsheet, in its three steps: `parse` (read and check
the file), `plan` (what each row will do against the registry) and `commit` (the services
`import_preview`, `import_commit`, `import_discard`)."""
