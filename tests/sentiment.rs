//! Sentiment rules as a table, plus our labelled news set as a regression
//! guard.

use ja_finnews::{Analyzer, Label, Span};

macro_rules! cases {
    ($($text:expr => $label:ident),* $(,)?) => {
        &[$(($text, Label::$label)),*]
    };
}

const RULES: &[(&str, Label)] = cases![
    // item × movement
    "売上高が増加した。" => Positive,
    "費用が増加した。" => Negative,
    "営業利益は前年比30%減少した。" => Negative,
    "赤字幅が縮小した。" => Positive,
    "コストが減少した。" => Positive,
    "受注高が大きく伸びた。" => Positive,
    "在庫が膨らんだ。" => Negative,
    "株価は一時10%超下落した。" => Negative,
    "株価が8%上昇した。" => Positive,
    "来客数が増えている。" => Positive,
    "客足が減っている。" => Negative,
    "不良債権が減少した。" => Positive,
    "人件費が上昇している。" => Negative,
    // evaluative predicates
    "業績が改善した。" => Positive,
    "景気が悪化している。" => Negative,
    "赤字が改善した。" => Positive,
    "通期予想を上方修正した。" => Positive,
    "通期予想を下方修正した。" => Negative,
    // stops
    "下落に歯止めがかかった。" => Positive,
    "下落に歯止めがかからない。" => Negative,
    // negation
    "売上高は増加しなかった。" => Negative,
    "利益は減少しなかった。" => Positive,
    "業績は改善していない。" => Negative,
    "状況は悪くない。" => Positive,
    // polar words and compounds
    "好調な決算で最高益を更新した。" => Positive,
    "販売不振が続いている。" => Negative,
    "増収増益となった。" => Positive,
    "減収減益となった。" => Negative,
    "黒字転換を果たした。" => Positive,
    "最終損益は赤字から黒字に転換した。" => Positive,
    "営業損益は赤字に転落した。" => Negative,
    "新型チップは消費電力を従来品の半分以下に抑えた。" => Positive,
    "好決算を受けて、同社株が買われた。" => Positive,
    "例年にも増して売上が伸びている。" => Positive,
    "好決算を材料に同社株は逆行高となった。" => Positive,
    // スタートアップ is one word, not スタート + アップ (a rise)
    "スタートアップ企業からの受注が減少した。" => Negative,
    "生産能力が足りず、出荷が遅れている。" => Negative,
    "平均販売価格の下落が止まらない。" => Negative,
    // whether a revision comes is no revision
    "上方修正の有無は来月の決算発表時に示す。" => Neutral,
    // contrast: the later clause decides
    "売上高は増加したが、利益は大幅に減少した。" => Negative,
    "利益は減少したものの、受注は大幅に伸びた。" => Positive,
    // however strong the conceded clause
    "秋から上向きになってきていたが、１月は荷動きが余り良くない。" => Negative,
    "資金利益が増えた一方、与信関係費用が膨らみ、純利益は減った。" => Negative,
    // 一方 after a predicate and before a comma; not 〜一方だ
    "原材料費は上がる一方だ。" => Negative,
    // questions and flat statements
    "株価は上昇するのか？" => Neutral,
    "売上は前年並みで横ばいだ。" => Neutral,
    "同社は新製品を発表した。" => Neutral,
    "決算発表は来月の予定だ。" => Neutral,
    // price movements without an item hurt buyers
    "仕入れ値の値上がりが続いている。" => Negative,
    // the subject of a clause is what its predicate moves, however far
    "営業損失は5億円と、前期の30億円から大きく縮小した。" => Positive,
    "有効求人倍率は1.1倍と、前月から0.05ポイント低下した。" => Negative,
    "空室率は3.2%と、前年同月から0.8ポイント低下した。" => Positive,
    // a polar noun can be what moves
    "景気の先行きへの懸念が強まっている。" => Negative,
    "資金繰りへの懸念は後退した。" => Positive,
    // … and so can its object, or an evaluation in noun form
    "第三者割当増資で債務超過を解消した。" => Positive,
    "部品供給の遅れが解消し、納車が進んだ。" => Positive,
    "好決算が市場の懸念を払拭した。" => Positive,
    "業績回復への期待が高まった。" => Positive,
    "財務の健全性を疑問視する声が広がった。" => Negative,
    // a negated verb of making up for something leaves the cue as it was
    "原料高による費用の増加を値上げで吸収できず、減益となった。" => Negative,
    "販売の落ち込みを新製品で補えなかった。" => Negative,
    // market orders: selling piling up is bad, buying gathering is good
    "決算発表後、同社株には売りが膨らんだ。" => Negative,
    "好決算を受けて同社株に買いが集まった。" => Positive,
    // a signed change after its baseline is the direction
    "営業利益は732億円（同＋6.5％）となった。" => Positive,
    "売上高は8,085億円（対前期△0.9％）となった。" => Negative,
    "営業損失は5億円（前年同期比+20.5%）となった。" => Negative,
    // a negated reaching or ability reaches back across its light words
    "景気は持ち直したが、本格的な回復には至っていない。" => Negative,
    "踊り場から脱することはできなかった。" => Negative,
    // lacking what is good
    "個人消費は力強さに欠ける。" => Negative,
    "販売は力強さを欠いた。" => Negative,
    "業界は足取りの重い状態が続いている。" => Negative,
    "貸倒引当金繰入額が増加した。" => Negative,
    // avoiding undoes what is avoided; not avoiding leaves it
    "資産売却益で損失を穴埋めし、赤字転落は回避した。" => Positive,
    "円高の逆風で今期の減益は避けられなかった。" => Negative,
    // a ratio repeated for the next item (同112.9%)
    "営業利益は201億円（同112.9%）となった。" => Positive,
    // a market order that is a subject is what moves
    "決算が市場予想に届かず、失望売りが広がった。" => Negative,
    // 〜かねない is a possibility, not a negation
    "利払い費が膨らめば、財政への懸念が強まりかねない。" => Negative,
    // the subject past a note in brackets
    "完全失業率（季節調整値）は2.4%と、前月から0.2ポイント低下した。" => Positive,
    "株価は年初来の安値に沈んだ。" => Negative,
    "補修費がかさみ、利益を押し下げた。" => Negative,
    // a price's move after a figure, in full; a bare movement says little
    "終値は前日比318円安だった。" => Negative,
    "同社株も3%高。" => Positive,
    "出資比率を20%から34%に引き上げる。" => Neutral,
    // what goes away is a movement down (costs gone is good)
    "前期に計上した為替差損がなくなった。" => Positive,
    "主力顧客からの受注がなくなった。" => Negative,
    // one movement told twice counts once
    "税引前利益は同58%減と大きく落ち込んだが、本業の営業利益は9%増と堅調だった。" => Positive,
    "営業利益は7期ぶりに過去最高を更新した。" => Positive,
    "最終赤字は過去最高となった。" => Negative,
    // a concessive も ends a negation's reach; currency news is not a price
    "株価は上昇も高値には至らなかった。" => Positive,
    "円相場は前日比1円安の1ドル=155円で取引を終えた。" => Neutral,
    // an item that is not there: desirable missing is bad, undesirable good
    "週末になっても商店街に活気がない。" => Negative,
    "新規の客がほとんどいない。" => Negative,
    "年明け以降、大口の受注はまだない。" => Negative,
    "同社には有利子負債がない。" => Positive,
    // the size of a fall is an item of its own (more of it is bad)
    "鉱工業生産の減少幅は前月から縮小した。" => Positive,
    "日経平均株価は午後に下げ幅を縮小した。" => Positive,
    "原材料費の上昇ペースが鈍化した。" => Positive,
    "受注の伸び率が鈍化した。" => Negative,
    "輸入物価の下落率が拡大した。" => Positive,
    // neither one nor the other
    "株価は上昇も下落もせず、前日と同じ値で引けた。" => Neutral,
    "団体客の予約は例年どおりで、特に増えても減ってもいない。" => Neutral,
    "通期予想は上方修正も下方修正もしなかった。" => Neutral,
    // winning an order, a slipping schedule, misused funds
    "同社は防衛省から大型の案件を受注した。" => Positive,
    "新工場の稼働は半年ずれ込む。" => Negative,
    "元役員が会社の資金を流用していた。" => Negative,
    // what was not achieved
    "新興国事業は黒字化を達成できなかった。" => Negative,
    // recording a loss, what is left, a won suit, the market's breadth
    "のれんの減損損失を計上した。" => Negative,
    "値上げしても利益がほとんど残らない。" => Negative,
    "同社は米社との特許裁判で勝訴した。" => Positive,
    "値下がり銘柄数が全体の8割を超えた。" => Negative,
    "値上がり銘柄数と値下がり銘柄数はほぼ拮抗した。" => Neutral,
    // ない negating a movement is still a negation, not an absence
    "売上は前年から増えていない。" => Negative,
    // an item occurring is as good as the item; nothing else occurring says
    // nothing
    "特別損失58億円を計上した。" => Negative,
    "海外事業で為替差損が生じた。" => Negative,
    "値上げの影響で利益が出ない。" => Negative,
    "問い合わせは多いが、成約までは至らない。" => Negative,
    "同社は上限300億円の自社株買いを実施する。" => Positive,
    "同社は1株を3株に分割する株式分割を実施する。" => Neutral,
    "株式交換の効力発生日は10月1日を予定している。" => Neutral,
    "新たな試験は来月に実施した。" => Neutral,
    // no longer (出なくなる) against running out (在庫がなくなる)
    "値上げ後は利益が出なくなった。" => Negative,
    "過剰な在庫がなくなった。" => Positive,
    // nothing notable is no change, not an item missing
    "今月は特に目立った動きはない。" => Neutral,
    "店頭では客の動きがない。" => Negative,
    // a cause named before a move is not what moves (を背景に)
    "主要指数は金融不安を背景に急落した。" => Negative,
    "銀行株は利上げ期待を背景に買われ、値を上げた。" => Positive,
    // 値を上げる / 値を下げる: a stock's move
    "海運株が軒並み値を下げた。" => Negative,
    "半導体株が大きく値を上げた。" => Positive,
    // a multiple reached is a rise
    "受注残は前年の2倍になった。" => Positive,
    "問い合わせ件数が3倍になっている。" => Positive,
    // a figure's bound before a noun is not a movement
    "今期は3割を超える大幅な減益となった。" => Negative,
    "売上高は5兆円を超える見通しだ。" => Positive,
    // lifted: an undesirable state goes away
    "輸出規制が解除された。" => Positive,
    "販売代理店との契約を解除した。" => Negative,
    // a potential form reads as its verb (抜け出せる → 抜け出す)
    "ようやく赤字から抜け出せた。" => Positive,
    "いまだに低迷から抜け出せていない。" => Negative,
    // what pressed a move is not what moves (売りに押され)
    "輸出株は円高に押され、そろって反落した。" => Negative,
    // a change named after a ratio's figure is a change (3% more, not 3% of)
    "通期の売上高は前期比4%の増加となった。" => Positive,
    "受注高は前年比2%の減少だった。" => Negative,
    // passing costs on to prices is good for the seller; failing to, bad
    "仕入れ値の上昇分を価格に転嫁できない。" => Negative,
    // 落ち着く stops the movement before it (高騰が落ち着く is good)
    "仕入れ価格の高騰がようやく落ち着いた。" => Positive,
    "株価の下落が落ち着き、買い戻しが入った。" => Positive,
    // a quantity of the item is the item (企業倒産｜件数は…減少)
    "企業倒産件数は前年を下回り、2カ月連続の減少となった。" => Positive,
    // a stake raised is a transaction, neither good nor bad
    "同社は子会社への出資比率を40%から60%に引き上げた。" => Neutral,
    // filled up (予約が埋まる) is good whatever fills
    "週末の客室は早々に埋まった。" => Positive,
    // a negation after a cause negates what was caused (長雨で…育たず)
    "長雨で野菜が育たず、出荷量が減った。" => Negative,
    // man-hours are a cost
    "自動化で検査の工数が3割減った。" => Positive,
    // a waiting list is demand
    "週末の宿泊はキャンセル待ちが続いている。" => Positive,
    // a polar noun does not move past another subject
    "需要の低迷が続き、市況は下げ止まらない。" => Negative,
    // 〜のか、 guesses at a cause; 〜のか？ and 〜のかは ask
    "値上げが浸透したのか、客単価が上がっている。" => Positive,
    "受注は回復するのか。" => Neutral,
    "増収となるのか減収となるのかは来月に分かる。" => Neutral,
    // 可能性が高い hedges; 高い is not a movement there
    "工場の稼働は来月から再開する可能性が高い。" => Neutral,
    // a multiple of the baseline is a movement (比1.6倍), up or down
    "素材部門の利益は前年同期比1.6倍となった。" => Positive,
    "受注高は前年比0.7倍にとどまった。" => Negative,
    "販促費は前年比1.4倍に膨らんだ。" => Negative,
    // the item a loss turned into (利益に転換), not the loss it came from
    "経常損益は前期の▲8億円から5億円の利益に転換した。" => Positive,
    "営業損益は前期の3億円の利益から2億円の損失に転じた。" => Negative,
    // a topic past a cause is what moves (有利子負債は…により…減少)
    "借入金は返済の進展により、前期末比40億円減少した。" => Positive,
    "売上原価は仕入れ条件の見直しにより減少した。" => Positive,
    // a time as a topic between an item and its occurrence
    "貸倒損失は、今期は一件も発生しなかった。" => Positive,
    // a forecast revised into a profit or a loss (赤字から黒字に修正)
    "最終損益予想を10億円の赤字から3億円の黒字に修正した。" => Positive,
    "経常損益見通しを2億円の損失に修正した。" => Negative,
    // an undesirable feeling easing (先行き不透明感が和らぐ)
    "先行き不透明感が和らいでいる。" => Positive,
    // the state things came from is not how they are (低迷期から上向く)
    "長い低迷期から、ようやく上向き始めた。" => Positive,
    "注文がほとんどない状態から、少しずつ改善している。" => Positive,
    // …nor a past state before the noun it describes
    "落ち込んでいた来店客数が戻ってきた。" => Positive,
    "好調だった客足が減った。" => Negative,
    // the effect of a bad thing easing (供給制約の影響が和らぐ)
    "部品不足の影響が和らいできた。" => Positive,
    // goods and customers starting to move; profit made
    "ようやく客足が動き出した。" => Positive,
    "催事で利益を出した。" => Positive,
    // an item that can or cannot be done (受注できない), that comes (客が来ない)
    "大口の案件が受注できない。" => Negative,
    "近くに競合店ができた。" => Negative,
    "週末も客が来てくれない。" => Negative,
    // no growth (伸びがない); growth that slowed is not growth
    "今年は販売件数に伸びがない。" => Negative,
    "売上の伸びが鈍化した。" => Negative,
    // a concession is no occurrence (求人を出しても…)
    "求人を出しても応募がゼロで、人手不足が深刻になっている。" => Negative,
    // the object of 上回る/下回る is the baseline, not what moves
    "値上げ効果は、原材料費の上昇分30億円を下回った。" => Negative,
    "受注高は売上高を上回った。" => Positive,
    // a goal is an aim, not an event
    "同社は来月、赤字縮小に向けた計画を公表する。" => Neutral,
    "来期の黒字化を目指す。" => Neutral,
    // a change of zero is none
    "売上高は1,250百万円（前期比0.0％増）となった。" => Neutral,
    // compounds the user dictionary keeps as one token carry their sense
    "国内では景気回復が続いている。" => Positive,
    "欧州の景気減速が響いた。" => Negative,
    "工場のコスト削減が進んだ。" => Positive,
    "株価は上場来の最安値をつけた。" => Negative,
    // a level or a rise that went no further is a shortfall; a loss or a
    // fall held down is not; not limited to says nothing of its own
    "経常利益は前年並みにとどまった。" => Negative,
    "新規契約は目標の7割にとどまった。" => Negative,
    "今期の売上収益は前期比1.2%増にとどまった。" => Negative,
    "最終損失は3億円にとどまった。" => Positive,
    "不良品の件数は前年の3分の1にとどまった。" => Positive,
    "為替の影響は軽微にとどまる見通しだ。" => Neutral,
    "海外売上は増収にとどまらず、増益も確保した。" => Positive,
    // a counter is a figure too (4割減, 3件増)
    "当期純利益は前期比3割減となった。" => Negative,
    // movements only a share price makes, with no item named
    "前場は買いが先行したが、後場に入って続落した。" => Negative,
    "東証の銀行株が5日ぶりに反落した。" => Negative,
    // no change is no negation (15円安と、ほぼ変わらず)
    "終値は前日比3円高と、ほぼ変わらずだった。" => Neutral,
    // another subject between an item and a far predicate takes it
    "物価の過熱感が意識され、輸出関連株は一斉に急落した。" => Negative,
    // a cost written with the suffix 費 (建設費, 物流費)
    "新工場の建設費が想定の2倍に膨らんだ。" => Negative,
    // neither up nor down
    "受注高は前年と同水準で、増えも減りもしなかった。" => Neutral,
    // only so much (しか…ない) is a level held, as とどまる holds it
    "週末の来店客数は例年の6割ほどしか戻っていない。" => Negative,
    // a good word told with a figure and held to it is a shortfall
    "年間目標に対して8割の達成にとどまった。" => Negative,
    // what starts to move, unnamed, says nothing
    "各社は価格改定の検討に動き出した。" => Neutral,
    // an object is what its verb moves, not a subject named far before
    "燃料費が高騰し、運航便数を減らしている。" => Negative,
    // a level crossed
    "通期の受注高は初めて1兆円の大台に乗った。" => Positive,
    // a happening made a noun is still one (損失が生じることなく)
    "新たな評価損が生じることなく、案件は完了した。" => Positive,
    // far from (どころか) negates what it follows
    "在庫は減るどころか、むしろ積み上がっている。" => Negative,
    // an event ahead is no holding back
    "同社は来月に新製品の発表を控えている。" => Neutral,
    "節約志向で客が外食を控えている。" => Negative,
    // what a company holds down (とどめる) is held as とどまる holds it
    "広告宣伝費は前年並みにとどめた。" => Positive,
    "配当は前期と同額にとどめた。" => Negative,
    // a level reached (達する) moves its item; with no item it says nothing
    "受注残高は過去最高の水準に達した。" => Positive,
    "営業黒字化には達しなかった。" => Negative,
    // what is forgone (見送る) negates what it names
    "同社は今期の増配を見送った。" => Negative,
    "当局は同社への業務停止命令を見送った。" => Positive,
    // a topic moved before a contrast is what a near predicate after it moves
    "失業者数は増加が続いていたが、今月は前月を下回った。" => Positive,
    // a record low is a fall of its item
    "解約率は過去最低を更新した。" => Positive,
    // a share price's move after a figure, whatever polar noun came before
    "同社株は減損計上を嫌気され、前日比12%安となった。" => Negative,
    // a profitable state told with a copula
    "第3四半期は小幅ながら黒字だった。" => Positive,
    // not even so much (半分も…ない)
    "今月の売上は前年の半分もいかなかった。" => Negative,
    // the noun 伸び is the size of its item's rise; the verb's stem is a rise
    "販管費の伸びは計画を下回った。" => Positive,
    "新規顧客からの受注が伸び始めた。" => Positive,
    // what an account contains is no judgement of it
    "売上原価には、棚卸資産の評価損が含まれております。" => Neutral,
    // a word with a suffix is no level held (限定的にとどまる)
    "業績への影響は限定的にとどまる見通しだ。" => Neutral,
];

/// The rules themselves (sentence level, and documents without the
/// calibration layer).
#[test]
fn rule_table() {
    let a = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let mut wrong = Vec::new();
    for (text, label) in RULES {
        let r = a.analyze(text);
        assert_eq!(r.sentences.len(), 1, "{text}");
        assert_eq!(
            r.sentences[0].sentiment.label, r.sentiment.document.label,
            "{text}"
        );
        let s = &r.sentiment.document;
        if s.label != *label {
            wrong.push(format!(
                "{text}: expected {label:?}, got {:?} {:.2} {:?}",
                s.label, s.score, s.evidence
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn evidence_points_into_the_input() {
    let a = Analyzer::new().unwrap();
    let text = "**費用**が増加し、売上高は減少しなかった。";
    let r = a.analyze(text);
    let ev = &r.sentiment.document.evidence;
    assert!(!ev.is_empty());
    for e in ev {
        assert_eq!(&text[e.span.range()], e.text);
    }
    let inc = ev.iter().find(|e| e.text == "増加").unwrap();
    assert_eq!(inc.rule, "item×movement");
    assert!(inc.weight < 0.0);
    assert!(ev.iter().any(|e| e.negated));
}

#[test]
fn an_absent_item_is_evidence_with_its_span() {
    let a = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let text = "足元では新規受注がない。";
    let ev = &a.analyze(text).sentiment.document.evidence;
    let absent = ev.iter().find(|e| e.rule == "item absent").unwrap();
    assert_eq!(absent.text, "ない");
    assert_eq!(&text[absent.span.range()], "ない");
    assert!(absent.weight < 0.0);
}

#[test]
fn a_limited_rise_is_evidence_on_its_limit() {
    let a = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let text = "営業利益は前年同期比2%増にとどまった。";
    let ev = &a.analyze(text).sentiment.document.evidence;
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].rule, "limited movement");
    assert_eq!(ev[0].text, "増にとどまっ");
    assert_eq!(&text[ev[0].span.range()], "増にとどまっ");
    assert!(ev[0].weight < 0.0);
}

#[test]
fn an_occurring_item_is_evidence_on_its_predicate() {
    let a = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let text = "円高で為替差損が発生し、利益は出なかった。";
    let ev = &a.analyze(text).sentiment.document.evidence;
    let occurs: Vec<_> = ev.iter().filter(|e| e.rule == "item occurs").collect();
    assert_eq!(occurs.len(), 2, "{ev:?}");
    assert_eq!(occurs[0].text, "発生");
    assert!(occurs[0].weight < 0.0 && !occurs[0].negated);
    // The negation reaches the predicate and is part of the evidence.
    assert_eq!(occurs[1].text, "出なかっ");
    assert_eq!(&text[occurs[1].span.range()], "出なかっ");
    assert!(occurs[1].weight < 0.0 && occurs[1].negated);
}

/// Analyzers with different sentiment models on one thread keep their
/// remembered word answers apart: interleaved, each gives what it gives
/// alone (the calibration layer numbers its features; the rules alone have
/// none), and an owned copy keeps the evidence text.
#[test]
fn analyzers_on_one_thread_do_not_mix_their_answers() {
    let texts = [
        "売上高は前年比12%増加したが、人件費の上昇で営業利益は減少した。",
        "客足は戻りつつあるものの、単価の下落に歯止めがかからない。",
        "ＡＩ向け半導体の需要が拡大し、受注高が過去最高となった。",
    ];
    let alone = |a: &Analyzer| -> Vec<_> {
        texts
            .iter()
            .map(|t| a.analyze(t).sentiment.into_owned())
            .collect()
    };
    let rules = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let calibrated = Analyzer::new().unwrap();
    let (rules_alone, calibrated_alone) = (alone(&rules), alone(&calibrated));
    for (i, text) in texts.iter().enumerate() {
        let r = rules.analyze(text).sentiment.into_owned();
        let c = calibrated.analyze(text).sentiment.into_owned();
        assert_eq!(r, rules_alone[i], "{text}");
        assert_eq!(c, calibrated_alone[i], "{text}");
    }
    let owned = {
        let source = String::from(texts[0]);
        calibrated.analyze(&source).into_owned()
    };
    let cue = &owned.sentiment.document.evidence[0];
    assert_eq!(&texts[0][cue.span.range()], cue.text);
}

#[test]
fn targets_take_the_clause_around_them() {
    let a = Analyzer::new().unwrap();
    let text = "売上高は増加したが、営業利益は減少した。";
    let span = |t: &str| {
        let s = text.find(t).unwrap();
        Span::new(s, s + t.len())
    };
    assert_eq!(
        a.sentiment_toward(text, span("売上高")).unwrap().label,
        Label::Positive
    );
    assert_eq!(
        a.sentiment_toward(text, span("営業利益")).unwrap().label,
        Label::Negative
    );
    // The sentiment toward the first occurrence of `target` in `text`.
    let toward = |text: &'static str, target: &str| {
        let s = text.find(target).unwrap();
        a.sentiment_toward(text, Span::new(s, s + target.len()))
            .unwrap()
    };
    assert_eq!(
        toward("営業損失は拡大した。", "営業損失").label,
        Label::Negative
    );
    // The movement at the end of the clause is the target's, however far
    // (figures between them do not count as distance): a loss that shrank
    // is good news.
    let t = toward(
        "朝凪化学の営業損失は18億円と、前年同期の42億円から大きく縮小した。",
        "営業損失",
    );
    assert_eq!(t.label, Label::Positive);
    let cue = t
        .evidence
        .iter()
        .find(|e| matches!(&*e.rule, "target×movement" | "item×movement"))
        .unwrap();
    assert_eq!(cue.text, "縮小");
    assert!(cue.weight > 0.0);
    // A loss that grew, with thousands separators in both amounts.
    let t = toward(
        "営業損失は1,595百万円（前年同期は営業損失1,299百万円）となりました。",
        "営業損失",
    );
    assert_eq!(t.label, Label::Negative);
    // An item inside a cause (費用増…により) is not what fell: the profit is.
    let t = toward(
        "セグメント利益は、準備費用増等の影響により1,826百万円（同25.4％減）となりました。",
        "セグメント利益",
    );
    assert_eq!(t.label, Label::Negative);
    assert!(a.sentiment_toward(text, Span::new(1, 2)).is_err());
    assert!(a.sentiment_toward(text, Span::new(0, 9999)).is_err());
}

/// A topic (`Xは、…`) is judged by its own predicate: past a concessive
/// clause about another item to the end of its scope, but by its first
/// clause when that clause is about the topic itself.
#[test]
fn a_topic_is_judged_by_its_own_predicate() {
    let a = Analyzer::builder().rules_only_sentiment().build().unwrap();
    let toward = |text: &'static str, target: &str| {
        let s = text.find(target).unwrap();
        a.sentiment_toward(text, Span::new(s, s + target.len()))
            .unwrap()
    };
    let cases = [
        // Another item moves first; the topic's own movement comes last.
        (
            "運送費は、燃料費の上昇があったものの、配送ルートの見直しにより前期に比べ減少しました。",
            "運送費",
            Label::Positive,
            "減少",
        ),
        (
            "海外事業は、米国の販売が落ち込んだが、欧州の受注が好調に推移し、売上高は前期並みとなった。",
            "海外事業",
            Label::Positive,
            "好調",
        ),
        // A topic nested at the start of the predicate does not end it.
        (
            "粗利益は、出荷数量は減少したものの、製品構成の改善により前期比4億円増となった。",
            "粗利益",
            Label::Positive,
            "増",
        ),
        // The topic's own clause decides, whatever follows the contrast.
        (
            "人件費は増加したものの、増収効果で吸収し、セグメント利益は拡大した。",
            "人件費",
            Label::Negative,
            "増加",
        ),
        // A sibling topic after a cue ends the scope.
        (
            "売上高は前期比5%増となり、営業利益は前期比12%減となった。",
            "売上高",
            Label::Positive,
            "増",
        ),
    ];
    for (text, target, label, cue) in cases {
        let got = toward(text, target);
        assert_eq!(got.label, label, "{target} in {text}: {got:?}");
        assert_eq!(got.evidence[0].text, cue, "{target} in {text}");
    }
    // A topic inside a bracketed note does not end the scope: the note is
    // the cue (the loss was larger a year ago).
    let got = toward(
        "営業損失は、販管費の圧縮により3億円（前期は営業損失8億円）となった。",
        "営業損失",
    );
    assert_eq!(got.label, Label::Positive, "{got:?}");
}

#[test]
fn company_sentiment() {
    let a = Analyzer::new().unwrap();
    let r = a.analyze("トヨタ自動車の営業利益は大幅に増加した。ソニーの販売は落ち込んだ。");
    let c = |id: &str| {
        r.sentiment
            .companies
            .iter()
            .find(|c| c.company == id)
            .unwrap()
            .label
    };
    assert_eq!(c("toyota"), Label::Positive);
    assert_eq!(c("sony_group"), Label::Negative);
}

#[test]
fn labelled_news_set_stays_accurate() {
    let a = Analyzer::new().unwrap();
    let data = include_str!("data/sentiment_news.jsonl");
    let (mut ok, mut n) = (0, 0);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let gold = v["label"].as_str().unwrap();
        let got = a
            .analyze(v["text"].as_str().unwrap())
            .sentiment
            .document
            .label;
        let got = serde_json::to_value(got).unwrap();
        ok += usize::from(got == gold);
        n += 1;
    }
    let acc = ok as f64 / n as f64;
    assert!(n >= 300);
    assert!(acc >= 0.80, "accuracy {acc:.3} on {n} sentences");
}

/// `tests/data/sentiment_rules.tsv`: one sentence per rule case, grouped by
/// rule. Every rule group must stay mostly right, and the whole table
/// above a floor, so a change that breaks one rule shows up here.
#[test]
fn rule_case_file() {
    let a = Analyzer::new().unwrap();
    let data = include_str!("data/sentiment_rules.tsv");
    let mut per_rule: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut wrong = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [rule, label, text] = cols.as_slice() else {
            panic!("bad row: {line}")
        };
        let got = a.analyze(text).sentiment.document.label;
        let got = serde_json::to_value(got).unwrap();
        let entry = per_rule.entry(rule).or_default();
        entry.1 += 1;
        if got == *label {
            entry.0 += 1;
        } else {
            wrong.push(format!("{rule}: {text} expected {label}, got {got}"));
        }
    }
    let (ok, n) = per_rule
        .values()
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    assert!(n >= 250, "{n} cases");
    let low: Vec<String> = per_rule
        .iter()
        .filter(|(_, (ok, n))| (*ok as f64) < 0.4 * *n as f64)
        .map(|(r, (ok, n))| format!("{r} {ok}/{n}"))
        .collect();
    assert!(
        low.is_empty(),
        "rules mostly wrong: {low:?}\n{}",
        wrong.join("\n")
    );
    assert!(
        ok as f64 >= 0.8 * n as f64,
        "{ok}/{n} right:\n{}",
        wrong.join("\n")
    );
}

/// `tests/data/sentiment_targets.jsonl`: our own news and report sentences
/// with labelled targets (the first occurrence of each target text).
#[test]
fn labelled_target_set_stays_accurate() {
    let a = Analyzer::new().unwrap();
    let data = include_str!("data/sentiment_targets.jsonl");
    let (mut ok, mut n) = (0, 0);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let targets = v["targets"].as_array().unwrap();
        let spans: Vec<Span> = targets
            .iter()
            .map(|t| {
                let t = t["text"].as_str().unwrap();
                let s = text.find(t).unwrap();
                Span::new(s, s + t.len())
            })
            .collect();
        let got = a.sentiment_toward_all(text, &spans).unwrap();
        assert_eq!(got.len(), spans.len());
        for (t, s) in targets.iter().zip(&got) {
            for e in &s.evidence {
                assert_eq!(&text[e.span.range()], e.text);
            }
            let label = serde_json::to_value(s.label).unwrap();
            ok += usize::from(label == t["label"]);
            n += 1;
        }
    }
    let acc = ok as f64 / n as f64;
    assert!(n >= 500);
    assert!(acc >= 0.80, "accuracy {acc:.3} on {n} targets");
}
