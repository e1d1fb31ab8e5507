"""The generator behind assets/build_demo_data.py, one module per dataset family (see that script's docstring).

Every dataset draws from its own random stream (_common.rng_for), so the import order of these modules does not
affect the output."""
