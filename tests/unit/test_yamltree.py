from builder.core.yamltree import Map, Scalar, Seq, decode_text, parse_yaml, split_front_matter


def codes(issues):
    return [i.code for i in issues]


def test_values_stay_as_written_with_their_lines():
    tree, issues = parse_yaml("title: NO\ncreated: 2024-02-30\ncount: 010\nempty: ~\n")
    assert issues == []
    assert isinstance(tree, Map)
    assert tree.get("title") == Scalar("NO", 1, False)
    assert tree.get("created").value == "2024-02-30"
    assert tree.get("count").value == "010"
    assert tree.get("empty").value == "~"
    assert tree.get("created").line == 2


def test_quoted_values_are_marked_quoted():
    tree, _ = parse_yaml('a: "true"\nb: true\n')
    assert tree.get("a").quoted and not tree.get("b").quoted


def test_nested_structures_keep_lines():
    tree, issues = parse_yaml(
        "contributors:\n  - handle: ana\n    role: writer\n  - {handle: bo, role: editor}\n"
    )
    assert issues == []
    items = tree.get("contributors")
    assert isinstance(items, Seq) and len(items.items) == 2
    assert items.items[0].get("role").line == 3
    assert items.items[1].get("handle").line == 4


def test_duplicate_keys_are_reported_at_the_second_with_the_first_line():
    tree, issues = parse_yaml("title: a\nfile: x\ntitle: b\n")
    assert codes(issues) == ["yaml-duplicate-key"]
    assert issues[0].line == 3 and "line 1" in issues[0].message
    assert tree.get("title").value == "a"


def test_tags_are_never_executed_and_reported():
    tree, issues = parse_yaml("title: !!python/object/apply:os.system ['echo pwned']\n")
    assert "yaml-tag" in codes(issues)
    assert "!!python/object/apply:os.system" in issues[0].message


def test_anchors_and_aliases_are_refused():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    tree, issues = parse_yaml(bomb)
    assert tree is None and codes(issues) == ["yaml-alias"]


def test_syntax_error_gives_its_line():
    tree, issues = parse_yaml("title: ok\nfile: [a, b\ntype: image\n")
    assert tree is None and codes(issues) == ["yaml-syntax"]
    assert issues[0].line >= 2


def test_more_than_one_document():
    tree, issues = parse_yaml("title: a\n---\ntitle: b\n")
    assert tree is None and codes(issues) == ["yaml-not-mapping"] and issues[0].line == 2


def test_deep_nesting_is_bounded_without_recursion():
    tree, issues = parse_yaml("a: " + "[" * 5000 + "]" * 5000)
    assert tree is None and codes(issues) == ["yaml-too-large"]


def test_empty_document():
    assert parse_yaml("") == (None, [])
    assert parse_yaml("# only a comment\n") == (None, [])


def test_lenient_mode_reads_config_files_with_tags_and_aliases():
    text = "x: &anchor 1\ny: *anchor\nemoji: !!python/name:material.extensions.emoji.twemoji\n"
    tree, issues = parse_yaml(text, lenient=True)
    assert issues == [] and isinstance(tree.get("emoji"), Scalar) and tree.get("y").value == ""


def test_decode_text():
    assert decode_text("é".encode()) == ("é", None)
    assert decode_text(b"\xef\xbb\xbftitle: x") == ("title: x", None)
    text, issue = decode_text(b"a: 1\nb: \xff\n")
    assert text is None and issue.line == 2 and issue.code == "yaml-syntax"
    assert decode_text(b"a\x00")[1].code == "yaml-syntax"


def test_front_matter_keeps_page_line_numbers():
    page = "---\nname: Ana\nlinks: [x]\n---\nBio here.\n"
    front, body = split_front_matter(page)
    tree, _ = parse_yaml(front)
    assert tree.get("links").line == 3
    assert body == "Bio here.\n"
    assert split_front_matter("no front matter") == (None, "no front matter")
