"""Enter in a text box of the headteacher's action plan form sends the plan, as its main button
does: implicit submission uses the form's first submit button, which must not be "Add another action"."""

import re

from django.urls import reverse


def test_the_plan_forms_first_submit_button_is_a_hidden_send_the_plan(client, plan, headteacher):
    client.force_login(headteacher)
    page = client.get(reverse("letters:school_plan", kwargs={"pk": plan.pk})).content.decode()
    form = page[page.index('<form method="post" enctype="multipart/form-data"') :]
    buttons = re.findall(r"<button[^>]*>", form[: form.index("</form>")])
    first = buttons[0]
    assert 'type="submit"' in first
    assert 'name="send"' in first  # what "Send the plan to the local authority" posts
    assert 'tabindex="-1"' in first  # not in the Tab order
    assert 'aria-hidden="true"' in first  # nor read out
    assert any('name="add_action"' in button for button in buttons[1:])
