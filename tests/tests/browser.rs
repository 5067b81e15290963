//! The playground in headless chromium, served by a real `jitlens serve`.

use jitlens_tests::serve::Serve;
use jitlens_tests::webdriver::Browser;

#[test]
fn syntax_error_then_fix_shows_the_function() {
    let serve = Serve::start(&[]);
    let browser = Browser::start();
    browser.open(&serve.url);

    let status = browser.wait_for_text("#runner-status", |text| text.contains("connected"));
    assert!(status.contains("runner"), "{status}");

    let editor = browser.find("#editor");
    browser.clear(&editor);
    browser.type_text(&editor, "def scale(x):\n    return x *\n");
    let errors = browser.wait_for_text("#parse-errors", |text| !text.is_empty());
    assert!(
        errors.contains("line 2"),
        "the error names its line: {errors}"
    );

    browser.clear(&editor);
    browser.type_text(&editor, "def scale(x):\n    return x * 2.0\n");
    let functions = browser.wait_for_text("#functions", |text| text.contains("scale"));
    assert!(functions.contains("lines 1"), "{functions}");
    assert_eq!(browser.text_of("#parse-errors"), "");
}
