"""bpnn playground: watch a network learn in the browser, and see every number.

``bpnn playground`` starts :func:`bpnn.playground.server.serve`; the training, the pictures and the
explanations are done by :class:`bpnn.playground.session.Session` with bpnn's own engine. Needs the
``playground`` extra (``pip install -e '.[playground]'`` in bpnn's folder). See docs/playground.md.
"""
