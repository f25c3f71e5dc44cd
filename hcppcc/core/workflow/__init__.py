"""The workflow core: how a step that changes a record's state is declared, guarded and
offered, whatever the app.

- ``steps``: ``Step`` — one declaration per step: the states it starts from, any further
  ``Condition``, the ``Roles`` that may take it, its input form and its service — and
  ``Workflow``, the steps of one kind of record in the order they are offered.
- ``roles``: ``Roles``, the one kind of role table: each role, and the records its
  holders may act on.
- ``errors``: what a refused step raises (``WorkflowError`` and its kinds).
- ``forms``: what the step forms share; ``fields``: the actor of a step on a record.
- ``admin``, ``api``: the admin's and the API's side of it (buttons, step pages, one
  operation per step).

A service asks its step before it acts (``Step.check``, on the locked row); the admin, the
pages and the API ask the same step whether to offer it (``Step.available``). So a rule is
written once and every door answers alike.
"""
