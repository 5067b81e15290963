# The comparison shared by the generated and the replayed equivalence tests (testgen/mod.rs puts
# it into both modules).
TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


def _load(folder, label, source):
    name = f"jitlens_{label}_{FUNCTION.replace('.', '_')}_{abs(hash(__file__))}"
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def implementations(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jitlens_testgen")
    original = _load(folder, "original", ORIGINAL_SOURCE)
    rewrite = _load(folder, "rewrite", REWRITE_SOURCE)
    return getattr(original, FUNCTION), getattr(rewrite, FUNCTION)


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    module = type(value).__module__
    if module.startswith("torch"):
        return value.clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _as_array(value):
    """A NumPy view of an array or NumPy scalar of any framework; None for anything else."""
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    module = type(value).__module__
    if module.startswith("torch") and hasattr(value, "detach"):
        tensor = value.detach().cpu()
        if str(tensor.dtype) == "torch.bfloat16":
            tensor = tensor.float()
        return tensor.resolve_conj().numpy()
    if module.startswith(("jax", "jaxlib")):
        return np.asarray(value)
    if module.startswith("tensorflow") and hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return None


def assert_matches(actual, expected, where):
    """Fails with a readable message when `actual` differs from `expected`."""
    if isinstance(expected, (list, tuple)) and _as_array(expected) is None:
        assert isinstance(actual, (list, tuple)), f"{where}: expected a {type(expected).__name__}, got {type(actual).__name__}"
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, f"{where}[{i}]")
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), f"{where}: keys differ"
        for key in expected:
            assert_matches(actual[key], expected[key], f"{where}[{key!r}]")
        return
    expected_array, actual_array = _as_array(expected), _as_array(actual)
    python_number = (int, float, complex)
    if expected_array is None and isinstance(expected, python_number) and not isinstance(expected, bool):
        if actual_array is not None and actual_array.ndim == 0 and isinstance(actual, (np.generic, np.ndarray)):
            actual_array = actual_array.astype(np.result_type(type(expected)))
        expected_array = np.asarray(expected)
    if actual_array is None and isinstance(actual, python_number) and not isinstance(actual, bool) and expected_array is not None and expected_array.ndim == 0 and isinstance(expected, np.generic):
        actual_array = np.asarray(actual)
    if expected_array is None or actual_array is None:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"
        return
    assert actual_array.shape == expected_array.shape, f"{where}: shape {actual_array.shape} != {expected_array.shape}"
    if expected_array.dtype.kind in "fc" or actual_array.dtype.kind in "fc":
        if isinstance(expected, (np.ndarray,)) or _as_array(expected) is not None and not isinstance(expected, np.generic):
            assert actual_array.dtype == expected_array.dtype, f"{where}: dtype {actual_array.dtype} != {expected_array.dtype}"
        rtol, atol = TOLERANCES.get(expected_array.dtype.name, (1e-7, 1e-7))
        close = np.isclose(actual_array, expected_array, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            difference = np.abs(actual_array.astype(np.complex128) - expected_array.astype(np.complex128))
            finite = np.isfinite(difference)
            max_abs = float(difference[finite].max()) if finite.any() else float("nan")
            first = tuple(int(i) for i in np.argwhere(~close)[0])
            raise AssertionError(
                f"{where}: {int((~close).sum())} of {close.size} elements differ beyond rtol={rtol}, atol={atol}; "
                f"max abs error {max_abs:.3g}; first at {first}: {actual_array[first]!r} != {expected_array[first]!r}"
            )
    else:
        assert actual_array.dtype == expected_array.dtype, f"{where}: dtype {actual_array.dtype} != {expected_array.dtype}"
        assert np.array_equal(actual_array, expected_array), f"{where}: values differ"
