import assert from "node:assert/strict";
import { test } from "node:test";
import { PYTHON_HINT, pythonToJson } from "./python-literal.ts";

test("dicts as literal_eval reads them become JSON text", () => {
  assert.equal(pythonToJson("{'LOC': [35.68, 139.69]}"), '{"LOC": [35.68, 139.69]}');
  assert.equal(pythonToJson("{'a': None, 'b': True, 'c': False}"), '{"a": null, "b": true, "c": false}');
  assert.equal(pythonToJson("{'LOC': (1, 2,), }"), '{"LOC": [1, 2] }');
  assert.equal(pythonToJson("{u'City': U\"Xi'an\"}"), '{"City": "Xi\'an"}');
});

test("strings: quotes swapped safely, escapes carried over, words inside left alone", () => {
  assert.equal(pythonToJson(`{'q': 'say "hi"'}`), String.raw`{"q": "say \"hi\""}`);
  assert.equal(
    pythonToJson(String.raw`{'a': 'it\'s', 'b': "\x41\u00e9\n\d"}`),
    String.raw`{"a": "it's", "b": "\u0041\u00e9\n\\d"}`,
  );
  assert.equal(pythonToJson("{'None': 'True (False)'}"), '{"None": "True (False)"}');
  assert.equal(pythonToJson("{'a': 'line\tbreak'}"), String.raw`{"a": "line\u0009break"}`);
  assert.equal(pythonToJson("{'a': 'b\\\nc'}"), '{"a": "bc"}', "a backslash-newline continues the line");
});

test("identifiers that merely contain None/True/False, and unterminated strings", () => {
  assert.equal(pythonToJson("{NoneX: Truely, _False: 1}"), "{NoneX: Truely, _False: 1}");
  assert.equal(pythonToJson("{'a: 1}"), null);
  assert.equal(pythonToJson("{'a': 'b\\"), null);
});

test("PYTHON_HINT says when the conversion could change anything", () => {
  assert.equal(PYTHON_HINT.test('{"a": 1}'), true);
  assert.equal(PYTHON_HINT.test("{a: 1}"), false);
  assert.equal(PYTHON_HINT.test("{a: None}"), true);
  assert.equal(PYTHON_HINT.test("{a: Nonesuch}"), false);
});
