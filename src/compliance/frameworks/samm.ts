import type { Framework } from './types.js';

const ORG = 'an organisational practice: no file or setting shows it';

/** OWASP SAMM v2.0 (January 2020): the 30 streams of the 15 security practices. */
export const SAMM: Framework = {
  id: 'samm',
  name: 'OWASP Software Assurance Maturity Model (SAMM)',
  version: '2.0 (January 2020)',
  url: 'https://owaspsamm.org/model/',
  controls: [
    { id: 'G-SM-A', group: 'Governance: Strategy & Metrics', title: 'Create and Promote', guidance: 'Set and publish the security strategy.', manual: ORG },
    { id: 'G-SM-B', group: 'Governance: Strategy & Metrics', title: 'Measure and Improve', guidance: 'Track security metrics over time.', manual: ORG },
    { id: 'G-PC-A', group: 'Governance: Policy & Compliance', title: 'Policy and Standards', guidance: 'Write the security policy as code (pipeguard.yml) and enforce it in CI.' },
    { id: 'G-PC-B', group: 'Governance: Policy & Compliance', title: 'Compliance Management', guidance: 'Map controls to requirements and report on them.', manual: 'this report is the mapping; meeting the requirements is an organisational judgement' },
    { id: 'G-EG-A', group: 'Governance: Education & Guidance', title: 'Training and Awareness', guidance: 'Train staff.', manual: ORG },
    { id: 'G-EG-B', group: 'Governance: Education & Guidance', title: 'Organization and Culture', guidance: 'Name security champions.', manual: ORG },
    { id: 'D-TA-A', group: 'Design: Threat Assessment', title: 'Application Risk Profile', guidance: 'Classify applications by risk.', manual: ORG },
    { id: 'D-TA-B', group: 'Design: Threat Assessment', title: 'Threat Modeling', guidance: 'Keep a threat model with the code.', manual: 'threat modelling is a design activity' },
    { id: 'D-SR-A', group: 'Design: Security Requirements', title: 'Software Requirements', guidance: 'Derive security requirements.', manual: ORG },
    { id: 'D-SR-B', group: 'Design: Security Requirements', title: 'Supplier Security', guidance: 'Check third-party components for vulnerabilities and licences.' },
    { id: 'D-SA-A', group: 'Design: Security Architecture', title: 'Architecture Design', guidance: 'Design with security principles.', manual: 'architecture is not read' },
    { id: 'D-SA-B', group: 'Design: Security Architecture', title: 'Technology Management', guidance: 'Know and manage the technologies and components in use (inventory, SBOM, updates).' },
    { id: 'I-SB-A', group: 'Implementation: Secure Build', title: 'Build Process', guidance: 'Build from reviewed code with a defined, hardened CI process that generates provenance.' },
    { id: 'I-SB-B', group: 'Implementation: Secure Build', title: 'Software Dependencies', guidance: 'Lock, update and scan dependencies.' },
    { id: 'I-SD-A', group: 'Implementation: Secure Deployment', title: 'Deployment Process', guidance: 'Deploy through protected environments with reviewed, signed artifacts.' },
    { id: 'I-SD-B', group: 'Implementation: Secure Deployment', title: 'Secret Management', guidance: 'Keep secrets out of code, in protected and masked stores with scanning and push protection.' },
    { id: 'I-DM-A', group: 'Implementation: Defect Management', title: 'Defect Tracking', guidance: 'Record every finding with a stable identity and act on it (gate, baseline, suppressions with reasons).' },
    { id: 'I-DM-B', group: 'Implementation: Defect Management', title: 'Metrics and Feedback', guidance: 'Measure defect trends.', manual: ORG },
    { id: 'V-AA-A', group: 'Verification: Architecture Assessment', title: 'Architecture Validation', guidance: 'Review the architecture.', manual: 'architecture review is a human activity' },
    { id: 'V-AA-B', group: 'Verification: Architecture Assessment', title: 'Architecture Mitigation', guidance: 'Verify mitigations of architectural threats.', manual: 'architecture review is a human activity' },
    { id: 'V-RT-A', group: 'Verification: Requirements-driven Testing', title: 'Control Verification', guidance: 'Test security controls.', manual: 'security tests of the running application are not read' },
    { id: 'V-RT-B', group: 'Verification: Requirements-driven Testing', title: 'Misuse/Abuse Testing', guidance: 'Test abuse cases.', manual: 'security tests of the running application are not read' },
    { id: 'V-ST-A', group: 'Verification: Security Testing', title: 'Scalable Baseline', guidance: 'Run automated security scans (SAST, secrets, IaC, pipeline) on every change.' },
    { id: 'V-ST-B', group: 'Verification: Security Testing', title: 'Deep Understanding', guidance: 'Manual review and penetration testing of high-risk components.', manual: 'manual testing is a human activity' },
    { id: 'O-IM-A', group: 'Operations: Incident Management', title: 'Incident Detection', guidance: 'Detect incidents.', manual: 'operations are not read' },
    { id: 'O-IM-B', group: 'Operations: Incident Management', title: 'Incident Response', guidance: 'Respond to incidents (a vulnerability disclosure policy is part of it).' },
    { id: 'O-EM-A', group: 'Operations: Environment Management', title: 'Configuration Hardening', guidance: 'Harden containers, orchestration, infrastructure and the development platform\'s settings.' },
    { id: 'O-EM-B', group: 'Operations: Environment Management', title: 'Patching and Updating', guidance: 'Keep components patched (update tool, vulnerability alerts).' },
    { id: 'O-OM-A', group: 'Operations: Operational Management', title: 'Data Protection', guidance: 'Protect data in operation.', manual: 'operations are not read' },
    { id: 'O-OM-B', group: 'Operations: Operational Management', title: 'System Decommissioning / Legacy Management', guidance: 'Retire legacy systems.', manual: 'operations are not read' },
  ],
};
