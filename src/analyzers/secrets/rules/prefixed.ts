/**
 * Self-identifying tokens: a vendor prefix (or a fixed structure) names the credential wherever it is written,
 * with no identifier needed next to it.
 */
import type { Severity } from '../../../core/types.js';
import type { SecretRuleSpec } from '../rule.js';
import { L, R } from './shared.js';

const r = String.raw;

/**
 * A rule for `regex` (holding the named group `secret`), bounded so that it neither starts nor ends inside a
 * longer token. Examples: `value` (synthetic, the whole match) alone and in an assignment must be found; cut to
 * its first ten characters, or with its body replaced by a placeholder run, must not.
 */
function prefixed(id: string, title: string, category: string, keywords: string[], regex: string, value: string, o: { severity?: Severity; flags?: string } = {}): SecretRuleSpec {
  return {
    id,
    title,
    severity: o.severity ?? 'high',
    keywords,
    regex: L + regex + R,
    ...(o.flags ? { flags: o.flags } : {}),
    minEntropy: 3,
    tags: [category, 'prefixed'],
    examples: {
      positive: [value, `CREDENTIAL="${value}"`],
      negative: [value.slice(0, 10), `${value.slice(0, 12)}${'x'.repeat(Math.max(0, value.length - 12))}`],
    },
  };
}

/** Built-in rules for self-identifying tokens. */
export const PREFIXED_RULES: SecretRuleSpec[] = [
  prefixed('aikido-ci-token', 'Aikido CI token', 'vcs-ci', ['aik_ci_'], r`(?<secret>AIK_CI_[A-Za-z0-9]{20,44})`, 'AIK_CI_9cs8MyDIgr3qQ9R89DrgnYN5YMzNh76iDfZlwzzdhSs'),
  prefixed('aikido-client-secret', 'Aikido client secret', 'vcs-ci', ['aik_secret_'], r`(?<secret>AIK_SECRET_[A-Za-z0-9]{64})`, 'AIK_SECRET_TyP3sl3S5N6qLWXw8HTpgoiwNBOevaM0KnRyB2lAMuC9mnRB6BvNyTuA8WcYeaqL'),
  prefixed('authress-service-client-access-key', 'Authress service client access key', 'saas', ['.acc_', '.acc-'], r`(?<secret>(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_\-][a-z0-9\-]{10,32}\.[a-z0-9+/_=\-]{30,120})`, 'authress_87g8jwyai3y4yjai3hwj5l0w07wx3m.m7v7v.acc_zabbnuhuw20dnyara044frikj.zgaaj7w58jg+8-u2=27d23h+djnocfqpbv5gkabltn192--4n_hiwf5_br1/icuav1x/', { flags: 'i' }),
  prefixed('aws-bedrock-short-term-api-key', 'Amazon Bedrock short-term API key', 'cloud', ['bedrock-api-key-'], r`(?<secret>bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%_\-]{0,2000})`, 'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tNok5I9Wt3f1A9O_inWoSl259TTjnxln423EDj3fZcjBeQXzqwB=4ALa5YG7NsuI0TT8yeMZi0ukNTJR694MzfFk_N6OEGIOEUO0A9Zv_N1Q7yOb-uUEp6a2WCBqGxlg%YJ=yH7xqSFslp0tXvjgT13ELLgStkeSNZpQRe0nL3cgUg9/zwLUCU%2T4kyXDAMGaggnhBxPs=4G_ipot+b8ryIP0bCNK9iKTwjtkf-EZ7g8F=D=WlDDy0+8FTW=12UyIP3ATA1E2+YH4VVh6pfd=tA0__umcI2/l2juqeGkD+Up3eOZ3wrr7S%ojRGMrh-na27pdv4N/t3Qu=kBIzL2iw3NgVdvVnV3T1rjQ0+p4Inyt5CuVfH81h5RJQltcwfEDgHRiWMRVwrIEPcSGWHOYS-e2XpIv1Vgs47ANXi2C/-HPYa2zuXdD0h_zH12_b-hpXTe8=cOD3jV5Bo3Ap_-qp-CDqVsdYFVKri=b6yf0S'),
  prefixed('brave-search-api-key', 'Brave Search API key', 'ai', ['bsa'], r`(?<secret>BSA[A-Za-z0-9_\-]{24,40})`, 'BSAWs-RHvKi7xNvMdDFXgqw4l87La20rpUl1-RbFHrh'),
  prefixed('canva-client-secret', 'Canva Connect client secret', 'saas', ['cnvca'], r`(?<secret>cnvca[A-Za-z0-9_\-]{51})`, 'cnvcaxVz8Yt9371JwW6yUlJVPjrONOv45gfxAVITOr27Pc1EulQMZCUt'),
  prefixed('clickhouse-cloud-api-secret-key', 'ClickHouse Cloud API secret', 'databases', ['4b1d'], r`(?<secret>4b1d[A-Za-z0-9]{38})`, '4b1dXQu1LfIqGCZLqMFiuygfhO3YBqqiELkxhFehh1'),
  prefixed('cockroachlabs-cloud-api-key', 'CockroachDB Cloud API key', 'databases', ['ccdb1_'], r`(?<secret>CCDB1_[A-Za-z0-9]{22}_[A-Za-z0-9]{40})`, 'CCDB1_hIzqW5TbuOvia6sQmCGEmQ_TXAHloHGQZlky21qQ2qKJ6I1HaX0JcqHxf24r0zr'),
  prefixed('configcat-sdk-key-extended', 'ConfigCat SDK key (configcat-sdk-1)', 'saas', ['configcat-sdk-1'], r`(?<secret>configcat-sdk-1/[A-Za-z0-9_\-]{22}/[A-Za-z0-9_\-]{22})`, 'configcat-sdk-1/BZQ0aZ-yrD1PBzdJnFlaqU/_W9Az3cszZNm7HrbHOT3S6'),
  prefixed('defined-networking-api-token', 'Defined Networking API token', 'cloud', ['dnkey-'], r`(?<secret>dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52})`, 'dnkey-v67ahJgsoQQuG6xoDO0Oy7fXaS-A0FxIwy8EG3UQ8m6m-92sPy9rCbEeOWlqappb7DN-bZ=uQN7sg-o'),
  prefixed('devin-personal-api-key', 'Devin personal API key', 'ai', ['apk_user_'], r`(?<secret>apk_user_[A-Za-z0-9+/]{120,180}={0,2})`, 'apk_user_Nh/Gh9Y/GOnb2gIFu+Wqq1u2lRsVcdsyLnJ6u5gZBgN7/nsLlbY3vIupY6KNd9IR6cDfrkYkshjL4fACMpKzkMeL7UY2OMUfZBtzYAAeGSpMhGDojmsfI/+dOdWOvMPdoXH41L='),
  prefixed('devin-service-api-key', 'Devin service API key', 'ai', ['apk_'], r`(?<secret>apk_[A-Za-z0-9+/]{80,100}={0,2})`, 'apk_4jOZTQeJThB0E1jXxmvtnRS0yS3mdFMA2F7+HvxbdfZVDxhmGAzKyp8/TIo/15iHjXXTq/zeWNilydPkMKnXuxW6luII8do=='),
  prefixed('devin-service-user-token', 'Devin service user token', 'ai', ['cog_'], r`(?<secret>cog_[a-z2-7]{52})`, 'cog_3hl3hotxs2bgzwrtyq6llsf2ojcm4armsenimbtkfd762wnshfyq'),
  prefixed('elastic-cloud-api-key', 'Elastic Cloud API key', 'observability', ['essu_'], r`(?<secret>essu_[A-Za-z0-9_\-]{60,200}={0,2})`, 'essu_CmQlfglgU44md4mj1sIDZi9xFkfa1-Mql-dNQwxvzdi7JTNeQeODCJBYciBHazr93JblxvttCy8-melIb-E0bh1ujPTjvW7-6CJuBeZbA4GzzatiWRqUkoZ0asVw0p7ytrnmC_16vtAYwFltBSAkdgtrB6HsptrUQF1PzNBIOSqsdhNnbDGlGHwRY3pYNgLmj'),
  prefixed('endorlabs-api-key', 'Endor Labs API key or secret', 'vcs-ci', ['endr+'], r`(?<secret>endr\+[A-Za-z0-9\-]{16})`, 'endr+w8UEh-44JdCeKC-s'),
  prefixed('exoscale-api-key', 'Exoscale API key', 'cloud', ['exo'], r`(?<secret>EXO[a-zA-Z0-9]{24,30})`, 'EXOu5MmxNmSJDOJ7J2FSBb8mJJZV'),
  prefixed('flutterwave-public-key', 'Flutterwave public key', 'payments', ['flwpubk'], r`(?<secret>FLWPUBK(?:_TEST)?-[a-hA-H0-9]{32}-X)`, 'FLWPUBK-B669cHCHbeccf9cFg4h444e9aEeHCC39-X', { severity: 'low' }),
  prefixed('freemius-secret-key', 'Freemius secret key (PHP array)', 'saas', ['secret_key'], r`["']secret_key["']\s{0,4}=>\s{0,4}["'](?<secret>sk_[^\s"']{29})["']`, '"secret_key" 	 	=>\'sk_Ekft7NfI0S_K1C2RkP7XVOxKtTEFm\'', { flags: 'i' }),
  prefixed('gcp-gemini-api-key', 'Google Gemini API key (AQ.)', 'ai', ['aq.ab8rn6'], r`(?<secret>AQ\.Ab8RN6[A-Za-z0-9_\-]{44})`, 'AQ.Ab8RN6910-M4LcemCre8mH62DNcPlZwEYHkRnyiyf3XjMyuf6-'),
  prefixed('gitlab-session-cookie', 'GitLab session cookie', 'vcs-ci', ['_gitlab_session='], r`_gitlab_session=(?<secret>[0-9a-z]{32})`, '_gitlab_session=vj31hnw6n0fvn7x0jd6k73uwtowcnihs'),
  prefixed('intra42-client-secret', '42 Intra API client secret', 'saas', ['s-s4t2ud-', 's-s4t2af-'], r`(?<secret>s-s4t2(?:ud|af)-[a-fA-F0-9]{64})`, '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'),
  prefixed('jwt-base64', 'Base64-encoded JSON Web Token', 'generic', ['zxlk'], r`(?<secret>ZXlK[A-Za-z0-9+/_\-]{40,8000}={0,2})`, 'ZXlKnd4S1eTExBtJi/iAC3Cm8xyPRBT-VnXVM6/idf/RRIjlsqtbs85eGcRs9QCdLesMAxz0WsOzyOGkfVBna-M8L-7Am5EASsOuW+0Mw7XXqlzuvsMJH6WelqWaIeR8ERhGDi10K5pPw+X_3ZgztV7sP--AdbaSFu8cfTpyXOcXDPOQIY-THwR6GyfMB+s4/fK42MSARZLZP2cUu0oVqvSdSDk0DCF2dEvYy3odnOd/6vJmknYX0U3z9UgoKjHgsNuEEEtVktQr_c+ajMTNd_5jpYNKWU0WU4CoD5GZQ4GC+lkA3/0AtJgbvNoZSTHg+-9hzcO7HdZ6ZRzRCWGk/67ZCIUz5_L/BlP7J5prPiAczQYRA/NaAfjNG3Dfnbc/R20Nmvw-fAUIDT+bC_BgkYEr+8oncOBD4Nnv0QcRsRj6EOPVRzMWK/wjXjcPeDvvg8d1lHF3IecG0r7PJx-0dEf8jyp9_J6XC7KtL8J6Y7c4NUMDh0zEBdSM_z1NtCmxdodLf9Q4/yZO39zFUTccWz8_45wTtFdnxxV7q6H+XX7NP2PBmodh4eXMYQrIhc0f5wGWEt9K2GeVW4eO-ZZjWjYS9tzqIjW6WQuWgsqQkz1BOfjeR_olZQyOb4uu6c5QQxnUNWPSw1ZfaKdqBxoPDBjgNjzan9YGnaGAPLdEVgilF/gWA2ZjRezIKqD09Meqt5GA_kQudv1J3_uyQ0kTOHyLWd_qBY3wfmBACjcl-ijBOp7C+j0LY+3fFoyMMzbIiNKS6qfFW1IPIIosJqntBonZ76R64u8gcq6chDc9Em0AcRQGNN0avfYj3t2pKBRqwD3rbqGDR-5WLHDZ62U0FkBFKSwFbKxRTV1Bt/xNfkMIRWuzSF3YC1tvEzNlTXyB1amreP_J-YiiV7SrW2NgQI_bkeK7_8ZroJFB4s4r4-1YKULTJHAIOFUr1tQXedln4ujt3X/ViiwQKZhpVzNUh+luxOBLgnYLmvOD72r_g/sM-y+hLsFsJrc60'),
  prefixed('maxmind-license-key', 'MaxMind license key', 'saas', ['_mmk'], r`(?<secret>[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)`, '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'),
  prefixed('minimax-api-key', 'MiniMax API key', 'ai', ['sk-api-'], r`(?<secret>sk-api-[A-Za-z0-9_\-]{119})`, 'sk-api-lBeGFDvgtRt1Z41xEEjArATNK6gFd8nUgTEmOKTmkuvCeL1k3tB4sgvs5vaqanffLUa2HCndL8h_TPlGaHPhdv76YUE_HDHZlFg3wpqDi5Dq3CFYtQN5_v2'),
  prefixed('mongodb-atlas-service-account-secret', 'MongoDB Atlas service account secret', 'databases', ['mdb_sa_sk_'], r`(?<secret>mdb_sa_sk_[A-Za-z0-9_\-]{40})`, 'mdb_sa_sk_B-QTPLyVYbtiIrNTL2eHN5rY5vBj8WsEBo3X2iw3'),
  prefixed('posthog-project-api-key', 'PostHog project API key', 'observability', ['phc_'], r`(?<secret>phc_[a-zA-Z0-9_\-]{43})`, 'phc_-enVLJIwl6ZCBfnBc-8WSLm2eZil3L9jX33nEKbYPPP', { severity: 'low' }),
  prefixed('settlemint-access-token', 'SettleMint access token', 'crypto', ['sm_aat_', 'sm_pat_', 'sm_sat_'], r`(?<secret>sm_(?:aat|pat|sat)_[a-zA-Z0-9]{16})`, 'sm_aat_IN4j3CAZDrm5hRnp'),
  prefixed('slack-session-token', 'Slack client session token (xoxc)', 'comms', ['xoxc-'], r`(?<secret>xoxc-\d{9,15}-\d{9,15}-\d{9,15}-[a-f0-9]{64})`, 'xoxc-39234964827479-61976120242-0603161644627-c9b2e9f837ba50b520b53366759381f93464498f7e287d0913df1b75338825c4', { severity: 'critical' }),
  prefixed('slack-session-cookie', 'Slack session cookie (xoxd)', 'comms', ['xoxd-'], r`(?<secret>xoxd-[A-Za-z0-9_/\\+\-]{100,2000}={0,2})`, 'xoxd-1eD3wovtO\\4We\\IRI0uzzSjtz9GjzF+4e2ldsVOd5mFrjgkfXfZjJIgFTBz13Y3nl0D-Z_FBEaPmu+B9zzwpmQQ1JDe6FNuOqu3fXYLapRg-jUdc27OiCXCAQF+H_uwzxhe8oba+iqN7/Fk8E2Z5HnZEm8u-rPtqsFXujPzRnTrUUmd5qDcU_6hCJlWe+H_6wizbVqBiG3uNBOd__VmsPLWA\\i\\k0MD0\\dERJrovIwHbfXRE/D/-vfID7ZN3y/-8/BNaWucq2\\fsAoPoITGUQJ1/ny4GF7K-ZQNZqb/gEV6AIKFyjrN07A-vbjAF30ijVC/0GFTLiTLIMs/VSRyrHR5kEH0bygehGRZID\\9YVCYBpj_erQDTHK4\\IgAJ5OJ5NpFlW\\ZBIJec_uAaCIRfSyur0XtvRHMVrgu2z09y-hw6vWhz+VoZZhdmEhIywZlgMtH0+JuYaQRgcc/yVF/KZg6YcwD5I0fXF\\TnX2yjEMgnqOv-r\\AzNBQO_WGv1zGbIp39QvE0xA+s\\6IYfk+l/o9dgRgc/jEIC\\+ebO8d\\P5sh8/brJfQGZkLrXz5EZYiGeDUy/ajZtboC6jRxc-\\_6hjYhD\\_T2tS61upS541OEBP_pM3DEqFQsl4BaW+2A8TCdi5PrT6LqX2iNkYQFJmU1S6YBHkbY2LE4b_4r+tlQF1y3hSLg1-bYzWPufbNv\\7uvogKpQkq13tjt_RNmSi+10SjIVGg4D_14\\IEeGnjJsdqvr9AhevrxRpHat/C18jbrsd2X+ofsMwJ82+TROuCMOSBKYaLAU3k2J2VZ/KtktR7P9j88M\\pdHCPzMKH7a9N6b\\8V/ui6Sr+SAlq/CdCt2ELzAd0g2NgAPsRvU6LGq+RAfZfzB+-1E1SrW8rpypWQp-Z9qKGs_b94beyl_bbbOsHdR8FJnq-GkqmD-f4wYMNX8J+-3LlN7Jvk65x7YPigle4icjKoToH_KYq16eoNxWUHNGsGxIVPPF0cfi=', { severity: 'critical' }),
  prefixed('sourcegraph-access-token', 'Sourcegraph access token', 'vcs-ci', ['sgp_'], r`(?<secret>sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})`, 'sgp_552a8F6C4C05e8B9_9EdaA91Bce541FE77776d1dC71e43C0CD3bE7aef'),
  prefixed('togetherai-api-key', 'Together AI API key', 'ai', ['tgp_v1_'], r`(?<secret>tgp_v1_[A-Za-z0-9_\-]{43})`, 'tgp_v1_APyGLMWHLYv_vxIGiRv9P0u9jYRjJ3mKvO3Q-ZRPmTA'),
  prefixed('upcloud-api-token', 'UpCloud API token', 'cloud', ['ucat_'], r`(?<secret>ucat_[0-9A-Za-z]{24,32})`, 'ucat_C27axmUUdxgAsycaTZHLn2EugiChu'),
  prefixed('vercel-scoped-token', 'Vercel access, app, integration or AI Gateway token', 'cloud', ['vck_', 'vca_', 'vcr_', 'vci_', 'vcp_'], r`(?<secret>vc[karip]_[A-Za-z0-9_\-]{56})`, 'vci_8V4lD5S-EhFjsIdtnrl5gGqiEV5F-Tb_9_fopQPhwF4D_bmr-Ml0eVA8'),
  prefixed('wandb-api-key-v1', 'Weights & Biases API key (wandb_v1_)', 'ai', ['wandb_v1_'], r`(?<secret>wandb_v1_[A-Za-z0-9_]{77})`, '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'),
];
