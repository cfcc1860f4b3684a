"""The project's own sample 政府信息公开 site, served on loopback for demos and end-to-end tests.

``sample_site.server`` serves it (``start_server()`` or ``python -m sample_site.server``);
``sample_site.manifest`` gives the ground truth the pages were generated from.
"""
