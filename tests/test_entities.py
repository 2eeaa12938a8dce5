"""analysis.entities: gazetteer aliases to canonical names, courts, laws, 文号, regions."""

from analysis.entities import entities
from analysis.normalize import normalize

TEXT = normalize(
    "借款人在借呗、安逸花和招联金融均有逾期，还在360借条借过钱。"
    "银保监会与央行联合发布通知，互金协会随后发布倡议；深圳市地方金融监督管理局也出台细则。"
    "广东省深圳市福田区人民法院依据《中华人民共和国个人信息保护法》和《关于规范互联网贷款催收行为的通知》作出判决，"
    "文件编号为银保监办发〔2019〕24号。浙江省杭州市中级人民法院另案审理。上海金融法院也有类似案件。"
    "据《国际金融报》报道，北京、杭州的借款人投诉最多。"
)


def test_lenders_mapped_to_canonical_names():
    got = entities(TEXT)["lenders"]
    assert got == ["蚂蚁借呗", "马上消费金融", "招联消费金融", "360借条"]


def test_regulators():
    got = entities(TEXT)["regulators"]
    for name in ("中国银保监会", "中国人民银行", "中国互联网金融协会", "地方金融管理局"):
        assert name in got


def test_courts():
    got = entities(TEXT)["courts"]
    assert "广东省深圳市福田区人民法院" in got
    assert "浙江省杭州市中级人民法院" in got
    assert "上海金融法院" in got


def test_laws_exclude_newspapers():
    got = entities(TEXT)["laws"]
    assert "《中华人民共和国个人信息保护法》" in got
    assert "《关于规范互联网贷款催收行为的通知》" in got
    assert "《国际金融报》" not in got


def test_doc_numbers():
    assert entities(TEXT)["doc_numbers"] == ["银保监办发〔2019〕24号"]
    assert entities("国办发[2020]1号")["doc_numbers"] == ["国办发[2020]1号"]


def test_regions_canonical_and_unique():
    got = entities(TEXT)["regions"]
    assert got[:2] == ["深圳市", "广东省"]
    assert "杭州市" in got and "北京市" in got
    assert len(got) == len(set(got))


def test_empty_and_plain_text():
    assert entities("") == {k: [] for k in ("lenders", "regulators", "courts", "laws", "doc_numbers", "regions")}
    assert entities("今天天气很好")["lenders"] == []
