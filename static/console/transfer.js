// 导入: refuse a file over the upload limit before sending it (the server checks the same after upload).
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[type=file][data-max-bytes]");
  const note = document.getElementById("file-size-error");
  if (!input || !note) return;
  const fits = () => {
    const file = input.files[0];
    const tooLarge = Boolean(file) && file.size > Number(input.dataset.maxBytes);
    note.hidden = !tooLarge;
    return !tooLarge;
  };
  input.addEventListener("change", fits);
  input.form.addEventListener("submit", (event) => { if (!fits()) event.preventDefault(); });
});
