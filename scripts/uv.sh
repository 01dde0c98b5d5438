# Sourced by ./nwd and scripts/test: find uv, or install it from PyPI (nothing else is
# downloaded; uv uses the machine's own Python 3.11+). Sets the array UV.
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
    UV=(python3 -m uv)
else
    echo "nowrongdoor: installing uv from PyPI (once)..." >&2
    # A distribution's own Python may refuse pip (PEP 668): fall back to the user site.
    pip=(python3 -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" uv >&2 2>/dev/null \
        || "${pip[@]}" --user uv >&2 2>/dev/null \
        || "${pip[@]}" --user --break-system-packages uv >&2
    UV=(python3 -m uv)
fi
export UV_PYTHON_DOWNLOADS=never
