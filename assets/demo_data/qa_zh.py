"""qa/zh_*.json: Chinese extractive QA in the SQuAD v1.1 layout."""
from __future__ import annotations

from pathlib import Path

from ._common import rng_for, write_json
from .qa import _qa_article, check_squad
from .qa_names import Context

ZH_QA_TOWNS = ["青石镇", "柳河镇", "云溪镇", "白沙镇", "桃源镇", "枫林镇", "石桥镇", "清泉镇", "月湖镇", "松山镇", "梅岭镇",
               "竹溪镇", "金沙镇", "凤鸣镇", "龙潭镇", "杏花镇", "望海镇", "双河镇", "鹿鸣镇", "芦花镇"]
ZH_QA_REGIONS = ["江州", "临州", "安州", "宁州", "云州", "泽州"]
ZH_QA_RIVERS = ["清水河", "白龙江", "碧溪河", "黄沙河", "玉带河", "青衣江"]
ZH_QA_SURNAMES = ["林", "周", "沈", "顾", "陆", "苏", "叶", "程", "韩", "秦", "方", "蒋", "许", "邓"]
ZH_QA_GIVEN = ["文远", "慧兰", "启明", "素云", "少华", "静怡", "景行", "若愚", "春生", "明月", "宗瀚", "雅琴", "振宇", "书航"]
ZH_QA_BOOKS = ["山中一年", "海边来信", "盐的笔记", "石与水", "北方的星空", "漫长的冬天", "铜路", "小小的灯"]
ZH_QA_ROLES = {  # 职业: (专业, 成就, 事件)
    "化学家": ("化学", "发明了一种廉价的净水方法", "创办了自己的实验室"),
    "植物学家": ("植物学", "记录了数百种高山植物", "带领考察队前往西部高原"),
    "建筑师": ("建筑学", "设计了四十多座公共图书馆", "赢得了新火车站的设计竞赛"),
    "作曲家": ("音乐", "为合唱团和小型乐队创作了大量作品", "成为市交响乐团的指挥"),
    "医生": ("医学", "创办了全省第一家儿童医院", "发起了为全省儿童接种疫苗的行动"),
    "天文学家": ("物理学", "发现了两颗彗星", "在城外的山上建了一座天文台"),
}


def zh_qa_town(rng, used):
    name = rng.choice([t for t in ZH_QA_TOWNS if t not in used])
    used.add(name)
    festival, month = rng.choice([("灯会", "正月"), ("茶叶节", "四月"), ("龙舟赛", "五月"), ("桃花节", "三月"),
                                  ("风筝节", "九月"), ("庙会", "十月")])
    employer, product = rng.choice([("江南纺织厂", "丝绸"), ("山泉茶业公司", "绿茶"), ("海丰造船厂", "小型渔船"),
                                    ("青瓷陶瓷厂", "青瓷餐具"), ("翠竹家具厂", "竹制家具")])
    v = dict(name=name, region=rng.choice(ZH_QA_REGIONS), river=rng.choice(ZH_QA_RIVERS),
             bank=rng.choice(["北岸", "南岸", "东岸", "西岸"]), founded=str(rng.randint(1300, 1850)),
             founders=rng.choice(["一群渔民", "几户农民", "一位盐商", "一群躲避战乱的移民"]),
             pop=str(rng.randint(30, 300) * 100), month=month, festival=festival, employer=employer,
             product=product)
    c = Context(sep="")
    c.add("{name}是{region}的一个小镇，位于{river}{bank}。", **v)
    c.add("小镇始建于{founded}年，最早由{founders}建立。", **v)
    c.add("目前镇上大约有{pop}人。", **v)
    c.add("{name}以每年{month}举行的{festival}而闻名。", **v)
    c.add("镇上最大的企业是{employer}，主要生产{product}。", **v)
    qs = [("river", ["{name}位于哪条河边？"]), ("founded", ["{name}始建于哪一年？"]), ("founders", ["{name}最早是由谁建立的？"]),
          ("pop", ["{name}大约有多少人？"]), ("festival", ["{name}以什么而闻名？"]), ("month", ["{name}的{festival}在什么时候举行？"]),
          ("employer", ["{name}最大的企业是哪家？"]), ("product", ["{employer}主要生产什么？"]), ("region", ["{name}属于哪个州？"])]
    return name, c, v, qs


def zh_qa_person(rng, used):
    while True:
        pname = rng.choice(ZH_QA_SURNAMES) + rng.choice(ZH_QA_GIVEN)
        if pname not in used:
            used.add(pname)
            break
    role = rng.choice(list(ZH_QA_ROLES))
    subject, achievement, event = ZH_QA_ROLES[role]
    born = rng.randint(1880, 1950)
    v = dict(pname=pname, born=str(born), died=str(born + rng.randint(50, 90)), role=role, achievement=achievement,
             birthplace=rng.choice(ZH_QA_TOWNS), univ=rng.choice(["江州大学", "临州大学", "安州大学", "宁州大学"]),
             subject=subject, ev_year=str(born + rng.randint(28, 45)), event=event,
             nbooks=rng.choice(["两", "三", "四", "五", "六"]), book=rng.choice(ZH_QA_BOOKS))
    c = Context(sep="")
    c.add("{pname}（{born}—{died}）是一位{role}，{achievement}。", **v)
    c.add("他出生于{birthplace}，曾在{univ}学习{subject}。".replace("他", rng.choice(["他", "她"])), **v)
    c.add("{ev_year}年，{pname}{event}。", **v)
    c.add("{pname}一生写了{nbooks}本书，其中最著名的是《{book}》。", **v)
    qs = [("born", ["{pname}出生于哪一年？"]), ("died", ["{pname}是哪一年去世的？"]), ("role", ["{pname}的职业是什么？"]),
          ("achievement", ["{pname}有什么成就？"]), ("birthplace", ["{pname}出生在哪里？"]), ("univ", ["{pname}曾在哪所学校学习？"]),
          ("subject", ["{pname}学的是什么专业？"]), ("ev_year", ["{pname}在哪一年{event}？"]), ("book", ["{pname}最著名的书是哪一本？"])]
    return pname, c, v, qs


def zh_qa_company(rng, used):
    while True:
        company = rng.choice(["远山", "晨星", "大河", "青禾", "明德", "恒信", "云帆", "长乐"]) + \
            rng.choice(["食品公司", "玩具厂", "家具公司", "自行车厂", "文具公司", "软件公司"])
        if company not in used:
            used.add(company)
            break
    product = {"食品公司": "燕麦饼干", "玩具厂": "木制小火车", "家具公司": "折叠书桌", "自行车厂": "折叠自行车",
               "文具公司": "钢笔", "软件公司": "一款记账软件"}[next(k for k in ["食品公司", "玩具厂", "家具公司", "自行车厂",
                                                                           "文具公司", "软件公司"] if company.endswith(k))]
    year = rng.randint(1950, 2005)
    v = dict(company=company, year=str(year),
             founder=rng.choice(ZH_QA_SURNAMES) + rng.choice(ZH_QA_GIVEN),
             origin=rng.choice(["一间小作坊", "集市上的一个摊位", "面包店楼上的一个房间", "一家农机修理铺"]),
             staff=str(rng.randint(5, 300) * 10), hq=rng.choice(ZH_QA_REGIONS) + "市", product=product,
             year2=str(year + rng.randint(10, 18)))
    c = Context(sep="")
    c.add("{company}成立于{year}年，创始人是{founder}。", **v)
    c.add("公司最初只是{origin}，现在已经发展成为一家拥有约{staff}名员工的企业，总部设在{hq}。", **v)
    c.add("公司最畅销的产品是{product}。", **v)
    c.add("{year2}年，公司开设了第二家工厂。", **v)
    qs = [("year", ["{company}是哪一年成立的？"]), ("founder", ["{company}的创始人是谁？"]), ("origin", ["{company}最初是什么样子？"]),
          ("staff", ["{company}现在大约有多少名员工？"]), ("hq", ["{company}的总部设在哪里？"]),
          ("product", ["{company}最畅销的产品是什么？"]), ("year2", ["{company}是哪一年开设第二家工厂的？"])]
    return company, c, v, qs


def build_qa_zh(out: Path, n_train=(20, 60), n_test=(7, 20)) -> dict:
    rng = rng_for("qa_zh")
    used: set[str] = set()
    makers = [zh_qa_town, zh_qa_person, zh_qa_company]
    result = {}
    for split, (n_par, n_q) in (("train", n_train), ("test", n_test)):
        counter, data = [0], []
        plan = [3] * n_par
        for i in range(3 * n_par - n_q):  # a few paragraphs get two questions so the total is exact
            plan[i] -= 1
        for i, k in enumerate(plan):
            data.append(_qa_article(rng, makers[i % 3], used, k, f"wb-zh-{split}", counter))
        rng.shuffle(data)
        check_squad(data)
        write_json(out / f"qa/zh_{split}.json", {"version": "1.1", "data": data})
        result[split] = {"articles": len(data), "paragraphs": len(data), "questions": counter[0]}
    return result
