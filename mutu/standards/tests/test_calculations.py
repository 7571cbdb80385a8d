from mutu.standards.calculations import compare_components, format_rupiah, side_by_side


def test_side_by_side_marks_removed_added_and_changed_lines():
    rows = side_by_side(["KTP", "KK", "Foto"], ["KTP", "Foto", "NPWP"])
    kinds = [(r.left, r.right, r.kind) for r in rows]
    assert ("KTP", "KTP", "same") in kinds
    assert ("KK", "", "removed") in kinds
    assert ("", "NPWP", "added") in kinds


def test_a_replaced_line_is_shown_as_changed_beside_the_old_one():
    rows = side_by_side(["18 hari kerja"], ["14 hari kerja"])
    assert [(r.left, r.right, r.kind) for r in rows] == [("18 hari kerja", "14 hari kerja", "changed")]


def test_compare_components_reports_which_components_changed():
    diff = compare_components([("Waktu", ["18"]), ("Biaya", ["Gratis"])], [("Waktu", ["14"]), ("Biaya", ["Gratis"])])
    assert [d.changed for d in diff] == [True, False]


def test_rupiah_uses_dots_for_thousands():
    assert format_rupiah(150000) == "Rp\u00a0150.000"
    assert format_rupiah(2500) == "Rp\u00a02.500"
