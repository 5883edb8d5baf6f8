from hub.sentences import joined


def test_sentences_get_a_full_stop_where_they_have_no_punctuation():
    assert joined("could not convert string to float: 'lots'", "The records were removed again.") == (
        "could not convert string to float: 'lots'. The records were removed again."
    )


def test_punctuated_and_empty_parts():
    assert joined("Record created.", "", "  ", "Done!", "Why?") == "Record created. Done! Why?"
    assert joined() == ""
