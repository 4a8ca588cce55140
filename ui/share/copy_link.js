// A link to copy (ui.share.copy_link): the link as text to read or select, and a button that puts it
// on the clipboard. Where the clipboard is not available (a page not served over https), the button
// selects the text instead, for the keyboard's copy.
async function copy(box) {
  const [text, button] = box.children;
  try {
    await navigator.clipboard.writeText(text.textContent);
    button.textContent = 'Copied';
  } catch (error) {
    const range = document.createRange();
    range.selectNodeContents(text);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    button.textContent = 'Selected: copy it with Ctrl+C (⌘C)';
  }
  clearTimeout(box.restore);
  box.restore = setTimeout(() => { button.textContent = box.dataset.label; }, 2000);
}

export default function ({ data, parentElement }) {
  let box = parentElement.querySelector('.copy-link');
  if (!box) {
    box = document.createElement('div');
    box.className = 'copy-link';
    const text = document.createElement('code');
    const button = document.createElement('button');
    button.type = 'button';
    button.addEventListener('click', () => copy(box));
    box.append(text, button);
    parentElement.appendChild(box);
  }
  const [text, button] = box.children;
  text.textContent = data.link;  // plain text, never markup
  if (box.dataset.label !== data.label) button.textContent = data.label;
  box.dataset.label = data.label;
  return () => {};
}
