"""ner/zh_*.bmes: Chinese character-level named entities with BMES tags."""
from __future__ import annotations

import re
from pathlib import Path

from ._common import rng_for, write_tagged

# Character-level tags: B-/M-/E- for the first/middle/last character of a multi-character entity, S- for a
# one-character entity (e.g. 中 and 美 in 中美两国), O outside. People and companies are invented.
ZH_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "林", "何",
               "高", "罗", "郑", "梁", "谢", "宋", "唐", "欧阳", "司马", "诸葛", "上官"]
ZH_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
            "晓东", "丽华", "文博", "思远", "雨桐", "子涵", "浩然", "欣怡", "嘉怡", "志强", "海燕", "立新", "一鸣", "若彤"]
ZH_NER_BANKS = {
    "CITY": ("LOC", ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆", "天津", "苏州", "长沙",
                     "青岛", "厦门", "昆明", "哈尔滨", "大连", "拉萨", "乌鲁木齐"]),
    "PROV": ("LOC", ["广东省", "浙江省", "四川省", "云南省", "山东省", "福建省", "湖南省", "江西省", "黑龙江省", "新疆"]),
    "FOREIGN": ("LOC", ["法国", "日本", "美国", "德国", "英国", "意大利", "澳大利亚", "加拿大", "巴西", "新加坡", "巴黎",
                        "伦敦", "东京", "纽约", "柏林", "悉尼"]),
    "COUNTRY": ("LOC", ["尼泊尔", "土耳其", "墨西哥", "印度尼西亚", "智利", "埃塞俄比亚", "菲律宾", "秘鲁"]),
    "WATER": ("LOC", ["长江", "黄河", "西湖", "太湖", "珠江", "洞庭湖", "漓江", "黄浦江"]),
    "MOUNT": ("LOC", ["泰山", "黄山", "华山", "峨眉山", "庐山", "武当山"]),
    "UNI": ("ORG", ["北京大学", "清华大学", "复旦大学", "浙江大学", "南京大学", "武汉大学", "中山大学", "四川大学"]),
    "RES": ("ORG", ["中国科学院", "中国气象局", "国家统计局", "中国社会科学院"]),
    "MEDIA": ("ORG", ["新华社", "人民日报", "中央电视台", "南方日报", "光明日报"]),
    "CO": ("ORG", ["星河科技公司", "东方电子集团", "华美食品有限公司", "远航物流公司", "青山制药公司", "蓝海软件公司",
                   "金叶茶业公司", "长风汽车公司", "白云纺织厂", "晨光出版社"]),
    "MUSEUM": ("ORG", ["故宫博物院", "上海博物馆", "陕西历史博物馆", "南京博物院", "湖南博物院"]),
    "INTL": ("ORG", ["联合国", "世界卫生组织", "红十字会", "联合国儿童基金会"]),
    "HOSPITAL": ("ORG", ["市第一人民医院", "省中医院", "儿童医院"]),
    "ONE": ("LOC", ["中", "美", "俄", "法", "德", "英", "日", "韩"]),
}
ZH_NER_TEMPLATES = [
    "{PER}在{CO}工作。", "{PER}昨天从{CITY}来到{CITY}。", "{CO}的代表{PER}出席了今天的会议。",
    "{PER}毕业于{UNI}，现在住在{CITY}。", "{CO}在{CITY}开设了一家新的分公司。", "据{MEDIA}报道，{CITY}今年夏天的降雨量比往年多。",
    "{MUSEUM}将于下个月举办一场书画展览。", "{PER}和{PER}一起去{FOREIGN}旅游。", "{ONE}{ONE}两国代表在{CITY}举行了会谈。",
    "{PER}说，{CITY}的交通比以前方便多了。", "{RES}发布了最新的研究报告。", "{PER}是{UNI}的教授。", "{PER}打算明年去{FOREIGN}留学。",
    "来自{PROV}的{PER}获得了比赛冠军。", "{PER}的家乡在{PROV}。", "{CO}和{CO}签订了合作协议。", "{PER}每天傍晚沿着{WATER}散步。",
    "{PER}上个周末去爬了{MOUNT}。", "{INTL}向{COUNTRY}提供了紧急援助。", "{PER}在{CITY}的{HOSPITAL}当医生。",
    "记者{PER}从{CITY}发回报道。", "{UNI}的学生在{CITY}参加了志愿活动。", "{PER}向{PER}借了一本书。",
    "{CITY}和{CITY}之间开通了新的高铁线路。", "{PER}告诉{MEDIA}的记者，这个项目明年就能完工。", "{PER}参观了{MUSEUM}。",
    "{ONE}方代表{PER}在会上发言。", "{PER}在{UNI}学习历史。", "{CO}今年的销售额增长了一成。", "{PER}的女儿在{CITY}上小学。",
]
ZH_NER_EMPTY = ["今天天气很好，我们去公园散步了。", "这家餐厅的菜很好吃，价格也不贵。", "会议推迟到下周三举行。", "孩子们在操场上踢足球。",
                "最近天气变冷了，大家要注意保暖。", "图书馆周末也对外开放。", "他每天晚上都会读半个小时的书。", "这次考试比上次简单多了。",
                "超市里的水果很新鲜。", "她把房间打扫得干干净净。", "火车晚点了二十分钟。", "我们明天早上八点出发。", "妈妈做了一桌子好菜。",
                "雨停了，天空出现了一道彩虹。", "这本书的故事非常感人。", "公司计划明年招聘更多员工。", "周末的电影院里坐满了观众。",
                "他们在河边种了很多柳树。", "新的图书馆下个月正式开放。", "老师让大家把作业交上来。", "窗外下起了大雪。",
                "这座桥已经有一百多年的历史了。", "爷爷每天早上都去公园打太极拳。", "我们班的同学都很喜欢体育课。", "厨房里飘出了饭菜的香味。"]


def _bmes(text: str, etype: str):
    if len(text) == 1:
        return [(text, "S-" + etype)]
    return [(c, ("B-" if i == 0 else "E-" if i == len(text) - 1 else "M-") + etype) for i, c in enumerate(text)]


def make_zh_ner_sentence(rng, template):
    out, used = [], []
    for part in re.split(r"(\{[A-Z]+\})", template):
        if not part:
            continue
        m = re.fullmatch(r"\{([A-Z]+)\}", part)
        if not m:
            out += [(c, "O") for c in part]
            continue
        slot = m.group(1)
        while True:
            if slot == "PER":
                etype, value = "PER", rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
            else:
                etype, bank = ZH_NER_BANKS[slot]
                value = rng.choice(bank)
            if value not in used:
                break
        used.append(value)
        out += _bmes(value, etype)
    return [c for c, _ in out], [t for _, t in out]


def build_ner_zh(out: Path, n_train=200, n_test=50) -> dict:
    rng = rng_for("ner_zh")
    sents, seen = [], set()
    for text in ZH_NER_EMPTY:
        sents.append((list(text), ["O"] * len(text)))
        seen.add(text)
    while len(sents) < n_train + n_test:
        chars, tags = make_zh_ner_sentence(rng, rng.choice(ZH_NER_TEMPLATES))
        if "".join(chars) not in seen:
            seen.add("".join(chars))
            sents.append((chars, tags))
    rng.shuffle(sents)
    train, test = sents[:n_train], sents[n_train:]
    write_tagged(out / "ner/zh_train.bmes", train)
    write_tagged(out / "ner/zh_test.bmes", test)

    def count(split):
        ents = {}
        for _, tags in split:
            for t in tags:
                if t[:2] in ("B-", "S-"):
                    ents[t[2:]] = ents.get(t[2:], 0) + 1
        return {"sentences": len(split), "characters": sum(len(c) for c, _ in split),
                "no_entity": sum(1 for _, g in split if set(g) == {"O"}), "entities": dict(sorted(ents.items()))}
    return {"train": count(train), "test": count(test)}
