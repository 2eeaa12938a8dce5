"""analysis.normalize: Traditional -> Simplified, pinyin glosses, width, boilerplate, whitespace."""

from analysis.normalize import normalize

SEED_LIKE = (
    "2024年9月網(wǎng)貸催收\n\n"
    "小編導(dǎo)語\n\n"
    "隨著互聯(lián)網(wǎng)金融的快速發(fā)展，　網(wǎng)絡(luò)貸款已成為許多人的選擇。\n\n\n"
    "借款人違約率上升，催收公司面臨著更大的壓力。\n"
    "特別聲明：本文為創(chuàng)作者或機(jī)構(gòu)上傳并發(fā)布，僅代表作者觀點(diǎn)。\n"
    "內(nèi)容侵權(quán)、刪帖舉報(bào)聯(lián)系方式：123@qq.com\n"
    "打開APP體驗(yàn)更佳\n"
    "最新文章\n"
    "隨機(jī)看看\n"
)


def test_seed_like_text():
    out = normalize(SEED_LIKE)
    assert out.splitlines()[0] == "2024年9月网贷催收"
    assert "网络贷款已成为许多人的选择" in out
    assert "随着互联网金融的快速发展" in out  # 著 as a verb suffix becomes 着
    assert "面临着更大的压力" in out
    for gone in ("(", "wǎng", "小编导语", "特别声明", "内容侵权", "打开APP", "最新文章", "随机看看"):
        assert gone not in out
    assert "\n\n\n" not in out


def test_sample_banner_removed():
    text = "【样例数据】本站为 lendwatch 示例站点，文章均为虚构，仅供演示与测试\n正文第一段。"
    assert normalize(text) == "正文第一段。"


def test_full_width_folded_but_chinese_punctuation_kept():
    assert normalize("ＡＰＰ年化利率３６％，你好！（注）") == "APP年化利率36%，你好！（注）"


def test_whitespace_tidied():
    assert normalize("  第一行 \t  有空格  \n\n\n\n第二行\u3000\u3000结束  ") == "第一行 有空格\n\n第二行 结束"


def test_keeps_non_verb_zhu():
    assert normalize("顯著提高，著名學者的著作") == "显著提高，著名学者的著作"


def test_bad_input_does_not_raise():
    assert normalize("") == ""
    assert normalize("\ud800網貸\udfff") == "网贷"
    assert normalize("\x00\x07催收\x1b") == "催收"
    big = "網貸催收。" * 200_000
    assert normalize(big).startswith("网贷催收")


def test_glosses_only_after_han():
    # Latin text in brackets after Latin is not a gloss.
    assert normalize("App (ǎ) 網(wǎng)") == "App (ǎ) 网"
