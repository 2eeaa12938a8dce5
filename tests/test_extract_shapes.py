"""Page shapes the extractor got wrong on real pages (issue 11), rebuilt here in small HTML of our own;
and, when ../shared is present, the real pages themselves (skipped in a fresh clone)."""
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.extract import extract

REF = datetime(2024, 9, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

ARTICLE = "网贷平台催收新规今日起施行，明确催收人员不得在晚上十点后拨打借款人电话，也不得联系借款人的同事和亲友。"
TEASERS = ["某地查处一批违规催收的第三方公司，涉及借款人数万人，监管部门表示将持续保持高压态势，依法严厉打击。",
           "多家消费金融公司发布公告，称将对逾期客户提供延期还款安排，并承诺不再委托外部机构上门催收。",
           "一位借款人讲述自己被催收电话轰炸的经历：一天之内接到四十多个电话，连老家的亲戚都被打扰。",
           "律师提醒，遭遇暴力催收应保留通话录音和短信截图，并可向金融监管部门和公安机关投诉举报。"]


def html(body: str, title: str = "催收新规今日施行_样例站") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}</body></html>").encode("utf-8")


def test_a_one_paragraph_article_beats_a_longer_teaser_list_below_it():
    teasers = "".join(f"<div class='item-content'><span>某财经·3 小时前</span><p>{t}</p><p>{t}</p></div>"
                      for t in TEASERS)
    page = html(f"<h1>催收新规今日施行</h1><div class='meta'>2024年9月1日 上午9:00</div>"
                f"<div class='article-body'><p>{ARTICLE}</p></div><div class='stream'>{teasers}</div>")
    got = extract(page, reference_time=REF)
    assert got.text == ARTICLE


def test_a_forum_thread_keeps_its_first_post_not_a_longer_reply():
    reply = "".join(f"<p>{t}</p>" for t in TEASERS)
    page = html("<h1>被催收电话骚扰怎么办？</h1><div class='posts'>"
                f"<div class='post'><div class='post-body'><p>{ARTICLE}</p><p>大家有没有遇到类似情况，该怎么处理？</p></div></div>"
                f"<div class='post'><div class='post-body'>{reply}</div></div></div>",
                title="被催收电话骚扰怎么办？ - 样例论坛")
    got = extract(page, reference_time=REF)
    assert got.text.startswith(ARTICLE) and "大家有没有遇到类似情况" in got.text
    assert TEASERS[0] not in got.text


def test_an_article_in_a_block_named_by_a_weak_furniture_word_is_found():
    body = "".join(f"<p>{t}</p>" for t in [ARTICLE, *TEASERS, *TEASERS])  # 300+ characters
    page = html(f"<h1>催收新规今日施行</h1><div class='detail'><div class='editor-preview-side'>{body}</div></div>"
                "<div class='side'><a href='/1'>热门文章一</a><a href='/2'>热门文章二</a></div>")
    got = extract(page, reference_time=REF)
    assert got.text.startswith(ARTICLE) and got.text.endswith(TEASERS[-1])


def test_a_comment_block_stays_out_however_much_text_it_holds():
    comments = "".join(f"<p>{t}</p>" for t in TEASERS)
    page = html(f"<h1>催收新规今日施行</h1><div class='content'><p>{ARTICLE}</p><p>{TEASERS[0]}</p></div>"
                f"<div class='comment-list'>{comments}{comments}</div>")
    got = extract(page, reference_time=REF)
    assert TEASERS[3] not in got.text


def test_a_licence_notice_under_a_post_is_not_text():
    page = html(f"<h1>催收新规今日施行</h1><div class='content'><p>{ARTICLE}</p>"
                "<p>本作品采用《CC 协议》，转载必须注明作者和本文链接</p></div>")
    assert "CC 协议" not in extract(page, reference_time=REF).text


# The real pages of these kinds (../shared; skipped when absent): teaser list (Yahoo HK), a forum
# thread whose later post won (learnku), a body in a block named '...-side' (51CTO).
REAL = [("real-pages", "059_yahoo.html"), ("real-pages", "060_yahoo.html"),
        ("real-pages", "103_learnku.html"), ("real-pages", "028_51cto.html")]


@pytest.mark.parametrize("folder,name", REAL)
def test_real_pages_of_each_kind(folder, name):
    page = SHARED / folder / "pages" / name
    if not page.exists():
        pytest.skip(f"{page} absent (third-party pages stay in ../shared)")
    truth_path = REPO / "bench" / "extract" / f"{folder}.truth.jsonl"
    truth = next(r for r in map(json.loads, truth_path.read_text(encoding="utf-8").splitlines())
                 if r["file"] == name)
    text = "".join(extract(page.read_bytes(), reference_time=REF).text.split())
    assert "".join(truth["body_start"].split()) in text and "".join(truth["body_end"].split()) in text
    assert not [x for x in truth["not_body"] if "".join(x.split()) in text]
