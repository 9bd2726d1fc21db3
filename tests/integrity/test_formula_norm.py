import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfeval_xl.integrity.formula_norm import (
    FormulaSyntaxError,
    Token,
    TokenKind,
    normalise_formula,
    same_formula,
    tokenize,
)

K = TokenKind


def test_tokens_of_a_scoring_formula():
    tokens = tokenize("=IF(ISNUMBER('预算执行'!$E$5), ROUND(MIN(B1/B2,1)*10,2), \"未填写\")")
    assert [t for t in tokens if t.kind is not K.SPACE] == [
        Token(K.FUNC, "IF"),
        Token(K.OPEN, "("),
        Token(K.FUNC, "ISNUMBER"),
        Token(K.OPEN, "("),
        Token(K.REF, "$E$5", "预算执行"),
        Token(K.CLOSE, ")"),
        Token(K.SEP, ","),
        Token(K.FUNC, "ROUND"),
        Token(K.OPEN, "("),
        Token(K.FUNC, "MIN"),
        Token(K.OPEN, "("),
        Token(K.REF, "B1"),
        Token(K.OP, "/"),
        Token(K.REF, "B2"),
        Token(K.SEP, ","),
        Token(K.NUMBER, "1"),
        Token(K.CLOSE, ")"),
        Token(K.OP, "*"),
        Token(K.NUMBER, "10"),
        Token(K.SEP, ","),
        Token(K.NUMBER, "2"),
        Token(K.CLOSE, ")"),
        Token(K.SEP, ","),
        Token(K.STRING, '"未填写"'),
        Token(K.CLOSE, ")"),
    ]


@pytest.mark.parametrize(
    "formula, kinds",
    [
        ('"a""b"', [K.STRING]),
        ("1.5E-3", [K.NUMBER]),
        (".5", [K.NUMBER]),
        ("A1:B2", [K.REF]),
        ("A:A", [K.REF]),
        ("$1:$3", [K.REF]),
        ("'My Sheet'!A1:A3", [K.REF]),
        ("Sheet1:Sheet3!B2", [K.REF]),
        ("Sheet1!预算总额", [K.NAME]),
        ("预算总额", [K.NAME]),
        ("LOG10(1)", [K.FUNC, K.OPEN, K.NUMBER, K.CLOSE]),
        ("TRUE", [K.BOOL]),
        ("#N/A", [K.ERROR]),
        ("#div/0!", [K.ERROR]),
        ("A1<>B1", [K.REF, K.OP, K.REF]),
        ("{1,2;3,4}", [K.ARRAY_OPEN, K.NUMBER, K.SEP, K.NUMBER, K.SEP, K.NUMBER, K.SEP, K.NUMBER, K.ARRAY_CLOSE]),
        ("A1%", [K.REF, K.OP]),
        ("_xlfn.STDEV.S(A1)", [K.FUNC, K.OPEN, K.REF, K.CLOSE]),
    ],
)
def test_token_kinds(formula, kinds):
    assert [t.kind for t in tokenize(formula)] == kinds


@pytest.mark.parametrize(
    "formula, normal",
    [
        ('=IF( A1 >= 1 , "优" , "良" )', 'IF(A1>=1,"优","良")'),
        ("if(a1>=1,true,false)", "IF(A1>=1,TRUE,FALSE)"),
        ("IF(A1>=1,TRUE(),FALSE())", "IF(A1>=1,TRUE,FALSE)"),
        ("=_xlfn.IFS(A1>1,1,TRUE,0)", "IFS(A1>1,1,TRUE,0)"),
        ("=_xlfn._xlws.SORT(A1:A3)", "SORT(A1:A3)"),
        ("='预算执行'!E5*2", "预算执行!E5*2"),
        ("=预算执行!E5*2", "预算执行!E5*2"),
        ("='2024数据'!A1", "'2024数据'!A1"),
        ("=2024数据!A1", "'2024数据'!A1"),
        ("=SUM('My Sheet'!A1:A3)", "SUM('MY SHEET'!A1:A3)"),
        ("='it''s'!A1", "'IT''S'!A1"),
        ("='A1'!B2", "'A1'!B2"),
        ("=sheet1!a1", "SHEET1!A1"),
        ("=SUM($A$1:$A3)", "SUM($A$1:$A3)"),
        ("=IF(C1=\"优\",1.0,.5)", 'IF(C1="优",1,0.5)'),
        ("=1E3+1.5E-3+1.50", "1000+0.0015+1.5"),
        ("=1E+019", "10000000000000000000"),
        ('="他说""好"""', '"他说""好"""'),
        ('="a  b"&" "', '"a  b"&" "'),
        ('=COUNTIF(A1:A5,">=90")', 'COUNTIF(A1:A5,">=90")'),
        ("=SUM(A1;B1)", "SUM(A1,B1)"),
        ('=LOOKUP(A1,{0,60;80,90},{"差","中";"良","优"})', 'LOOKUP(A1,{0,60;80,90},{"差","中";"良","优"})'),
        ("=A1:A3  A2:B2", "A1:A3 A2:B2"),
        ("=(A1) (B1)", "(A1) (B1)"),
        ("=IF(ISERROR(A1),#n/a,A1)", "IF(ISERROR(A1),#N/A,A1)"),
        ("=\nSUM(A1,\r\n B1)", "SUM(A1,B1)"),
    ],
)
def test_normal_forms(formula, normal):
    assert normalise_formula(formula) == normal


def test_nfc():
    assert normalise_formula('="e\u0301"') == normalise_formula('="\u00e9"')


def test_text_inside_strings_is_not_folded():
    assert normalise_formula('IF(A1="Yes",1,0)') != normalise_formula('IF(A1="YES",1,0)')


def test_absolute_markers_matter():
    assert normalise_formula("SUM($A$1:A3)") != normalise_formula("SUM(A1:A3)")


@pytest.mark.parametrize(
    "formula",
    ['="unterminated', "=Table1[Column]", "=@A1", "='Sheet'!", "=[1]Sheet1!A1", "=1E+999", "=A1 ~ B1"],
)
def test_syntax_errors(formula):
    with pytest.raises(FormulaSyntaxError):
        normalise_formula(formula)


def test_same_formula():
    assert same_formula("=IF(A1>=1,1,0)", "if(A1 >= 1.0, 1, 0)")
    assert not same_formula("=IF(A1>=1,1,0)", "=IF(A1>=1,1,1)")
    assert not same_formula("=IF(A1>=1,1,0)", '="broken')
    with pytest.raises(FormulaSyntaxError):
        same_formula('="broken', "=1")


_SPACED = "IF(AND(ISNUMBER(B1),B1>0),ROUND(MIN(B2/B1,1)*10,2),\"未 填\")"


@given(st.lists(st.sampled_from(["", " ", "  ", "\n", "\t"]), min_size=64, max_size=64))
def test_spacing_around_punctuation_never_matters(spaces):
    # Whitespace may follow any operator, separator or "(" without changing the formula.
    parts = []
    for index, token in enumerate(tokenize(_SPACED)):
        parts.append(token.text)
        if token.kind in (K.OP, K.SEP, K.OPEN):
            parts.append(spaces[index])
    assert normalise_formula("=" + "".join(parts)) == normalise_formula(_SPACED)


@pytest.mark.parametrize("formula", ['=IF( A1 >= 1 , "优" , "良" )', "='it''s'!A1", "=IF(A1,TRUE(),1.50)", "=A1:A3 A2:B2"])
def test_normal_form_is_a_fixed_point(formula):
    once = normalise_formula(formula)
    assert normalise_formula(once) == once
