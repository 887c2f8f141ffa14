//! What learning platforms read inside a course package: the SCORM 1.2
//! manifest, the IMS Common Cartridge 1.1 manifest and its QTI 1.2
//! assessments. Pure functions from a [`Course`] (titles, files, questions)
//! to XML text; `scorm.rs` decides which files go into which zip.
//!
//! References: ADL SCORM 1.2 Content Aggregation Model (imscp 1.1.2 +
//! adlcp 1.2), IMS Common Cartridge 1.1 profile of IMS CP 1.1 with its
//! LOM manifest profile, and IMS QTI 1.2 with the CC 1.1 item profiles
//! `cc.multiple_choice.v0p1`, `cc.multiple_response.v0p1`,
//! `cc.true_false.v0p1`.

use crate::markdown::quiz::QuizItem;
use crate::text::xml_escaped as esc;
use std::fmt::Write as _;

/// A course in one language, as a package sees it.
pub struct Course<'a> {
    /// A stable identifier: from the course's translation key and language.
    pub identifier: String,
    pub title: &'a str,
    pub lang: &'a str,
    pub description: &'a str,
    pub license: &'a str,
    /// What a module's questions are called in the course's language
    /// ("Self-check"), before the module's title in a cartridge.
    pub quiz_label: String,
    /// The modules in order.
    pub modules: Vec<Module<'a>>,
    /// Every file of the package but the manifest, sorted, `/`-separated.
    pub files: Vec<String>,
}

/// One module: its title, its page inside the package, its questions.
pub struct Module<'a> {
    pub title: &'a str,
    pub href: String,
    pub questions: Vec<&'a QuizItem>,
}

impl Course<'_> {
    /// The number of self-check questions in the course.
    pub fn questions(&self) -> usize {
        self.modules.iter().map(|m| m.questions.len()).sum()
    }

    /// The title of module `m`'s questions: `Self-check: <module title>`.
    pub fn quiz_title(&self, m: &Module) -> String {
        if self.quiz_label.is_empty() {
            m.title.to_owned()
        } else {
            format!("{}: {}", self.quiz_label, m.title)
        }
    }
}

/// The score a learner needs to pass, in percent, when the course has
/// questions: most of them right, as a self-check rather than an exam.
pub const MASTERY: u32 = 80;

/// An XML name from any text: letters, digits, `-`, `_`, `.`; starting
/// with a letter.
pub fn xml_id(s: &str) -> String {
    let mut id: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert_str(0, "id-");
    }
    id
}

/// `imsmanifest.xml` of a SCORM 1.2 package: one organization with an
/// item per module, all launching the one SCO (`scorm.html`, the launch
/// page) at the module's page; every file listed; the mastery score on
/// each item when the course has questions.
pub fn scorm_manifest(c: &Course) -> String {
    let mut x = String::new();
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>{title}</title>
"#,
        id = esc(&xml_id(&c.identifier)),
        title = esc(c.title),
    );
    let mastery = (c.questions() > 0).then_some(MASTERY);
    for (n, m) in c.modules.iter().enumerate() {
        let _ = write!(
            x,
            r#"      <item identifier="ITEM-{n}" identifierref="SCO" isvisible="true" parameters="?page={href}">
        <title>{title}</title>
"#,
            n = n + 1,
            href = esc(&m.href),
            title = esc(m.title),
        );
        if let Some(score) = mastery {
            let _ = writeln!(
                x,
                "        <adlcp:masteryscore>{score}</adlcp:masteryscore>"
            );
        }
        x.push_str("      </item>\n");
    }
    x.push_str(
        r#"    </organization>
  </organizations>
  <resources>
    <resource identifier="SCO" type="webcontent" adlcp:scormtype="sco" href="scorm.html">
"#,
    );
    for f in &c.files {
        let _ = writeln!(x, r#"      <file href="{}"/>"#, esc(f));
    }
    x.push_str("    </resource>\n  </resources>\n</manifest>\n");
    x
}

/// The course page inside every package: the offline package's root.
pub const COURSE_PAGE: &str = "index.html";

/// Where the QTI assessment of module `n` (0-based) sits in a cartridge.
pub fn assessment_path(n: usize) -> String {
    format!("assessments/module-{:02}.xml", n + 1)
}

/// `imsmanifest.xml` of a Common Cartridge 1.1: LOM metadata, a
/// rooted-hierarchy organization whose root is the course (its page first,
/// then one item per module holding the module's page and its questions),
/// the pages as `webcontent` (each page its own resource, depending on one
/// resource with every other file), and each module's questions as a QTI
/// assessment resource ([`assessment_path`]).
pub fn cc_manifest(c: &Course) -> String {
    let mut x = String::new();
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource" xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.1.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title>
          <lomimscc:string language="{lang}">{title}</lomimscc:string>
        </lomimscc:title>
        <lomimscc:language>{lang}</lomimscc:language>
        <lomimscc:description>
          <lomimscc:string language="{lang}">{description}</lomimscc:string>
        </lomimscc:description>
      </lomimscc:general>
      <lomimscc:rights>
        <lomimscc:copyrightAndOtherRestrictions>
          <lomimscc:value>{restricted}</lomimscc:value>
        </lomimscc:copyrightAndOtherRestrictions>
        <lomimscc:description>
          <lomimscc:string language="{lang}">{license}</lomimscc:string>
        </lomimscc:description>
      </lomimscc:rights>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="ORG" structure="rooted-hierarchy">
      <item identifier="ROOT">
        <item identifier="COURSE" identifierref="RES-COURSE">
          <title>{title}</title>
        </item>
"#,
        id = esc(&xml_id(&c.identifier)),
        lang = esc(c.lang),
        title = esc(c.title),
        description = esc(c.description),
        restricted = if c.license.is_empty() { "no" } else { "yes" },
        license = esc(c.license),
    );
    cc_items(&mut x, c);
    x.push_str("      </item>\n    </organization>\n  </organizations>\n  <resources>\n");
    cc_resources(&mut x, c);
    x.push_str("  </resources>\n</manifest>\n");
    x
}

/// The cartridge's outline: a module's page, then its self-check.
fn cc_items(x: &mut String, c: &Course) {
    for (n, m) in c.modules.iter().enumerate() {
        let n = n + 1;
        let _ = write!(
            x,
            r#"        <item identifier="MODULE-{n}">
          <title>{title}</title>
          <item identifier="PAGE-{n}" identifierref="RES-PAGE-{n}">
            <title>{title}</title>
          </item>
"#,
            title = esc(m.title),
        );
        if !m.questions.is_empty() {
            let _ = write!(
                x,
                r#"          <item identifier="QUIZ-{n}" identifierref="RES-QUIZ-{n}">
            <title>{title}</title>
          </item>
"#,
                title = esc(&c.quiz_title(m)),
            );
        }
        x.push_str("        </item>\n");
    }
}

/// The cartridge's resources: each page, each assessment, and every
/// other file once, in the resource the pages depend on.
fn cc_resources(x: &mut String, c: &Course) {
    let page = |x: &mut String, id: &str, href: &str| {
        let _ = write!(
            x,
            r#"    <resource identifier="{id}" type="webcontent" href="{href}">
      <file href="{href}"/>
      <dependency identifierref="RES-FILES"/>
    </resource>
"#,
            href = esc(href),
        );
    };
    page(x, "RES-COURSE", COURSE_PAGE);
    for (n, m) in c.modules.iter().enumerate() {
        let n = n + 1;
        page(x, &format!("RES-PAGE-{n}"), &m.href);
        if !m.questions.is_empty() {
            let _ = write!(
                x,
                r#"    <resource identifier="RES-QUIZ-{n}" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment">
      <file href="{href}"/>
    </resource>
"#,
                href = assessment_path(n - 1),
            );
        }
    }
    // Every other file (styles, scripts, images, the printable course)
    // once, in the resource the pages depend on.
    let own: Vec<&str> = c
        .modules
        .iter()
        .map(|m| m.href.as_str())
        .chain([COURSE_PAGE])
        .collect();
    x.push_str("    <resource identifier=\"RES-FILES\" type=\"webcontent\">\n");
    for f in c
        .files
        .iter()
        .filter(|f| !own.contains(&f.as_str()) && !f.starts_with("assessments/"))
    {
        let _ = writeln!(x, r#"      <file href="{}"/>"#, esc(f));
    }
    x.push_str("    </resource>\n");
}

/// A module's questions as one QTI 1.2 assessment of the CC 1.1 profile.
pub fn qti_assessment(ident: &str, title: &str, questions: &[&QuizItem]) -> String {
    let mut x = String::new();
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="{ident}" title="{title}">
    <qtimetadata>
      <qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.exam.v0p1</fieldentry></qtimetadatafield>
      <qtimetadatafield><fieldlabel>qmd_assessmenttype</fieldlabel><fieldentry>Examination</fieldentry></qtimetadatafield>
      <qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel><fieldentry>unlimited</fieldentry></qtimetadatafield>
    </qtimetadata>
    <section ident="{ident}-S">
"#,
        ident = esc(&xml_id(ident)),
        title = esc(title),
    );
    for q in questions {
        qti_item(&mut x, q);
    }
    x.push_str("    </section>\n  </assessment>\n</questestinterop>\n");
    x
}

fn mattext(x: &mut String, indent: &str, text: &str) {
    let _ = writeln!(
        x,
        r#"{indent}<material><mattext texttype="text/plain">{}</mattext></material>"#,
        esc(text)
    );
}

/// One question as a QTI item. Scoring: a single answer (`single`,
/// `truefalse`) gets one condition per option, the right one setting the
/// score to 100; several answers (`multiple`) add `100/n` for each of the
/// `n` right options chosen and take it away for each wrong one (the score
/// aula's own check shows), floored at 0 by the outcome's `minvalue`, and
/// all right sets exactly 100. The explanation is feedback shown whatever
/// the answer; each option's feedback is shown when it is chosen.
fn qti_item(x: &mut String, q: &QuizItem) {
    let id = xml_id(&q.id);
    let multiple = q.kind == "multiple";
    let profile = match q.kind {
        "multiple" => "cc.multiple_response.v0p1",
        "truefalse" => "cc.true_false.v0p1",
        _ => "cc.multiple_choice.v0p1",
    };
    let cardinality = if multiple { "Multiple" } else { "Single" };
    let opt = |i: usize| format!("{id}-{}", i + 1);
    let _ = write!(
        x,
        r#"      <item ident="{id}" title="{title}">
        <itemmetadata>
          <qtimetadata>
            <qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>{profile}</fieldentry></qtimetadatafield>
            <qtimetadatafield><fieldlabel>cc_weighting</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield>
          </qtimetadata>
        </itemmetadata>
        <presentation>
"#,
        title = esc(&q.question),
    );
    mattext(x, "          ", &q.question);
    let _ = writeln!(
        x,
        r#"          <response_lid ident="{id}-R" rcardinality="{cardinality}">
            <render_choice>"#
    );
    for (i, o) in q.options.iter().enumerate() {
        let _ = writeln!(x, r#"              <response_label ident="{}">"#, opt(i));
        mattext(x, "                ", &o.text);
        x.push_str("              </response_label>\n");
    }
    x.push_str(
        r#"            </render_choice>
          </response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
"#,
    );
    if q.explanation.is_some() {
        let _ = writeln!(
            x,
            r#"          <respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback feedbacktype="Response" linkrefid="{id}-GENERAL"/></respcondition>"#
        );
    }
    let right = q.options.iter().filter(|o| o.correct).count().max(1);
    let share = decimal(100.0 / right as f64);
    for (i, o) in q.options.iter().enumerate() {
        let score = match (multiple, o.correct) {
            (true, true) => format!(r#"<setvar action="Add" varname="SCORE">{share}</setvar>"#),
            (true, false) => format!(r#"<setvar action="Add" varname="SCORE">-{share}</setvar>"#),
            (false, true) => r#"<setvar action="Set" varname="SCORE">100</setvar>"#.to_owned(),
            (false, false) => r#"<setvar action="Set" varname="SCORE">0</setvar>"#.to_owned(),
        };
        let feedback = if o.feedback.is_some() {
            format!(
                r#"<displayfeedback feedbacktype="Response" linkrefid="{}-FB"/>"#,
                opt(i)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            x,
            r#"          <respcondition continue="{go}"><conditionvar><varequal respident="{id}-R">{o}</varequal></conditionvar>{score}{feedback}</respcondition>"#,
            go = if multiple { "Yes" } else { "No" },
            o = opt(i),
        );
    }
    if multiple {
        let mut all = String::from("<and>");
        for (i, o) in q.options.iter().enumerate() {
            let test = format!(r#"<varequal respident="{id}-R">{}</varequal>"#, opt(i));
            if o.correct {
                all.push_str(&test);
            } else {
                let _ = write!(all, "<not>{test}</not>");
            }
        }
        all.push_str("</and>");
        let _ = writeln!(
            x,
            r#"          <respcondition continue="No"><conditionvar>{all}</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>"#
        );
    }
    x.push_str("        </resprocessing>\n");
    for (i, o) in q.options.iter().enumerate() {
        if let Some(fb) = &o.feedback {
            feedback(x, &format!("{}-FB", opt(i)), fb);
        }
    }
    if let Some(why) = &q.explanation {
        feedback(x, &format!("{id}-GENERAL"), why);
    }
    x.push_str("      </item>\n");
}

fn feedback(x: &mut String, ident: &str, text: &str) {
    let _ = writeln!(x, r#"        <itemfeedback ident="{ident}">"#);
    x.push_str("          <flow_mat>\n");
    mattext(x, "            ", text);
    x.push_str("          </flow_mat>\n        </itemfeedback>\n");
}

/// A score for QTI: at most five decimals, no trailing zeros (`50`,
/// `33.33333`).
fn decimal(v: f64) -> String {
    let s = format!("{v:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::quiz::QuizOption;
    use proptest::prelude::*;

    fn question(
        id: &str,
        kind: &'static str,
        text: &str,
        options: &[(&str, bool, Option<&str>)],
    ) -> QuizItem {
        QuizItem {
            id: id.to_owned(),
            html_id: "aula-quiz-1".to_owned(),
            kind,
            question: text.to_owned(),
            hint: String::new(),
            options: options
                .iter()
                .map(|(t, c, f)| QuizOption {
                    text: (*t).to_owned(),
                    correct: *c,
                    feedback: f.map(str::to_owned),
                })
                .collect(),
            explanation: Some("Why & <how>".to_owned()),
        }
    }

    fn course<'a>(title: &'a str, modules: Vec<Module<'a>>) -> Course<'a> {
        Course {
            identifier: "aula-courses/x-es".to_owned(),
            title,
            lang: "es",
            description: "Desc & <more>",
            license: "CC BY 4.0",
            quiz_label: "Autoevaluación".to_owned(),
            modules,
            files: vec![
                "index.html".to_owned(),
                "m/index.html".to_owned(),
                "style.css".to_owned(),
            ],
        }
    }

    /// The text of the first element named `name` in `xml`, which must parse.
    fn first(xml: &str, name: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        doc.descendants()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn titles_with_markup_characters_are_escaped() {
        let q = question(
            "courses/x/01-a#1",
            "single",
            "1 < 2 & \"3\"?",
            &[("a & b", true, Some("<yes>")), ("c", false, None)],
        );
        let title = r#"Q&A <basics> "quoted" 'single'"#;
        let m = Module {
            title: "M <1> & co",
            href: "m/index.html".to_owned(),
            questions: vec![&q],
        };
        let c = course(title, vec![m]);
        let scorm = scorm_manifest(&c);
        assert!(scorm.contains("Q&amp;A &lt;basics&gt; &quot;quoted&quot; &apos;single&apos;"));
        assert_eq!(first(&scorm, "title"), title);
        let cc = cc_manifest(&c);
        assert_eq!(first(&cc, "string"), title);
        assert!(cc.contains("<title>Autoevaluación: M &lt;1&gt; &amp; co</title>"));
        let qti = qti_assessment("x", &c.quiz_title(&c.modules[0]), &[&q]);
        assert_eq!(first(&qti, "mattext"), "1 < 2 & \"3\"?");
        assert!(qti.contains(r#"title="1 &lt; 2 &amp; &quot;3&quot;?""#));
    }

    #[test]
    fn characters_xml_forbids_are_dropped_not_written() {
        let title = "a\u{1}b\u{fffe}c";
        let c = course(title, Vec::new());
        for xml in [scorm_manifest(&c), cc_manifest(&c)] {
            assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml}");
            assert!(xml.contains("abc"));
        }
    }

    #[test]
    fn a_course_without_modules_or_questions_still_makes_valid_manifests() {
        let c = course("Empty", Vec::new());
        let scorm = scorm_manifest(&c);
        assert!(!scorm.contains("masteryscore"));
        assert!(roxmltree::Document::parse(&scorm).is_ok());
        let cc = cc_manifest(&c);
        assert!(!cc.contains("imsqti"));
        assert!(roxmltree::Document::parse(&cc).is_ok());
        // A question with no options, or none right, is refused by the quiz
        // parser; the builder still must not panic on one.
        let q = question("k#1", "multiple", "Q", &[]);
        let none = question("k#2", "single", "Q", &[("a", false, None)]);
        let qti = qti_assessment("x", "t", &[&q, &none]);
        assert!(roxmltree::Document::parse(&qti).is_ok());
    }

    #[test]
    fn mastery_score_only_with_questions() {
        let q = question(
            "k#1",
            "truefalse",
            "Q",
            &[("True", true, None), ("False", false, None)],
        );
        let with = course(
            "C",
            vec![Module {
                title: "M",
                href: "m/index.html".to_owned(),
                questions: vec![&q],
            }],
        );
        assert_eq!(
            scorm_manifest(&with)
                .matches("<adlcp:masteryscore>80</adlcp:masteryscore>")
                .count(),
            1
        );
        let without = course(
            "C",
            vec![Module {
                title: "M",
                href: "m/index.html".to_owned(),
                questions: Vec::new(),
            }],
        );
        assert!(!scorm_manifest(&without).contains("masteryscore"));
    }

    #[test]
    fn several_answers_share_the_score() {
        let q = question(
            "k#1",
            "multiple",
            "Q",
            &[
                ("a", true, None),
                ("b", true, None),
                ("c", true, None),
                ("d", false, None),
            ],
        );
        let qti = qti_assessment("x", "t", &[&q]);
        assert_eq!(
            qti.matches(r#"<setvar action="Add" varname="SCORE">33.33333</setvar>"#)
                .count(),
            3
        );
        assert_eq!(
            qti.matches(r#"<setvar action="Add" varname="SCORE">-33.33333</setvar>"#)
                .count(),
            1
        );
        assert!(qti.contains(r#"rcardinality="Multiple""#));
    }

    #[test]
    fn ids_are_xml_names() {
        assert_eq!(xml_id("courses/x/01-a#2"), "courses-x-01-a-2");
        assert_eq!(xml_id("1st"), "id-1st");
        assert_eq!(xml_id(""), "id-");
        assert_eq!(xml_id("año"), "a-o");
        assert_eq!(decimal(100.0), "100");
        assert_eq!(decimal(50.0), "50");
        assert_eq!(decimal(100.0 / 3.0), "33.33333");
        assert_eq!(assessment_path(0), "assessments/module-01.xml");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever the titles, options and feedback, every document is
        /// well-formed XML and gives the text back.
        #[test]
        fn any_text_round_trips(
            title in "[^\u{0}-\u{1f}\u{fffe}\u{ffff}]{0,24}",
            option in "[^\u{0}-\u{1f}\u{fffe}\u{ffff}]{1,24}",
            feedback in "[^\u{0}-\u{1f}\u{fffe}\u{ffff}]{0,24}",
        ) {
            let q = question("k#1", "single", &title, &[(&option, true, Some(&feedback)), ("other", false, None)]);
            let m = Module { title: &title, href: "m/index.html".to_owned(), questions: vec![&q] };
            let c = course(&title, vec![m]);
            prop_assert_eq!(first(&scorm_manifest(&c), "title"), title.clone());
            prop_assert_eq!(first(&cc_manifest(&c), "string"), title.clone());
            let qti = qti_assessment(&title, &title, &[&q]);
            let doc = roxmltree::Document::parse(&qti).expect("well-formed");
            let texts: Vec<&str> = doc
                .descendants()
                .filter(|n| n.tag_name().name() == "mattext")
                .map(|n| n.text().unwrap_or_default())
                .collect();
            prop_assert_eq!(texts[0], title.as_str());
            prop_assert_eq!(texts[1], option.as_str());
            prop_assert!(texts.contains(&feedback.as_str()));
        }
    }
}
