//! `secrets-inherit`: reusable workflow calls that pass every secret with `secrets: inherit`.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::DocKind;
use crate::ci_audit::github;
use crate::ci_audit::{Confidence, Severity};

pub struct SecretsInherit;

impl Audit for SecretsInherit {
    fn id(&self) -> &'static str {
        "secrets-inherit"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn description(&self) -> &'static str {
        "Reusable workflow calls with `secrets: inherit`, which hand the called workflow every \
         secret of the repository and organisation."
    }
    fn help(&self) -> &'static str {
        "The called workflow (and anything it runs) receives all secrets, not only those it \
         needs. Pass secrets explicitly by name."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.of_kind(DocKind::Workflow) {
            for job in github::jobs(&doc.root) {
                let Some(uses) = job.node.get("uses").and_then(|u| u.as_str()) else {
                    continue;
                };
                if let Some(s) = job.node.get("secrets")
                    && s.as_str() == Some("inherit")
                {
                    out.at(
                        doc,
                        s,
                        Rating(Severity::Medium, Confidence::High),
                        format!(
                            "job `{}` calls `{}` with `secrets: inherit`: it receives every \
                             secret, not just the ones it needs",
                            job.id,
                            github::one_line(uses)
                        ),
                        "List the secrets the called workflow needs under `secrets:` \
                         (`secrets: { TOKEN: ${{ secrets.TOKEN }} }`).",
                    );
                }
            }
        }
    }
}
