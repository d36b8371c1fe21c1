// The paper-job page (templates/governance/paper_job.html): ask the server
// every two seconds how the job is going, show the stage, and reload the
// page (which then offers the download) when it has finished. Without
// JavaScript the page has a "check again" link.
const box = document.getElementById("paper-job");
const status = document.getElementById("paper-job-status");
const stage = document.getElementById("paper-job-stage");

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const job = await response.json();
      if (job.finished) {
        window.location.reload();
        return;
      }
      status.textContent = job.status_label;
      stage.textContent = job.stage;
    }
  } catch {
    // A dropped connection: try again at the next tick.
  }
  window.setTimeout(poll, 2000);
}

if (box && box.dataset.finished === "false") {
  window.setTimeout(poll, 2000);
}
