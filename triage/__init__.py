"""Pure triage: text in, dataclasses out. Never imports the ORM; callers pass reference data.

Entry point: ``triage.pipeline.TriagePipeline``. The modules, in the order the pipeline uses them:
normalise, privacy, location, classify (+ datasets for training), taxonomy, intent, summary, duplicates.
"""
