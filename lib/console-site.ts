import {
  DefaultStackSynthesizer,
  Duration,
  Stack,
  Token,
  Validations,
  type RemovalPolicy,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Where the console lives on its distribution, as on the local runtime (lib/local/console-server.ts). */
export const CONSOLE_PREFIX = 'console';

export interface ConsoleSiteProps {
  /** The built console (`npm run build:console` writes web/dist). */
  siteDirectory: string;
  /** The HTTP API's base URL, which the console calls and the content security policy allows. */
  apiUrl: string;
  /** The Cognito hosted UI: the user pool domain (`<prefix>.auth.<region>.amazoncognito.com`) and the console client. */
  auth: { domain: string; clientId: string };
  removalPolicy: RemovalPolicy;
}

/**
 * The console as a static site: a private S3 bucket that only CloudFront reads (origin access
 * control), HTTPS only, the security headers the local runtime also sends, and `config.json`
 * written at deploy time from the stack's API URL and user pool, so one build serves every stage.
 * Hashed assets are cached for a year; the page and its configuration are revalidated each time.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution>/console/`: the console client's callback URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    const authOrigin = props.auth.domain.startsWith('https://')
      ? props.auth.domain
      : `https://${props.auth.domain}`;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'OMS console: same headers as lib/local/console-server.ts, plus HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' ${props.apiUrl} ${authOrigin}`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            `form-action 'self' ${authOrigin}`,
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    // CloudFront serves a default object at the root only; the console's page is /console/.
    const indexPages = new CloudFrontFunction(this, 'IndexPages', {
      comment: 'OMS console: /console/ is /console/index.html, / goes to /console/',
      code: FunctionCode.fromInline(`function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/${CONSOLE_PREFIX}') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/${CONSOLE_PREFIX}/' } } };
  }
  if (uri.endsWith('/')) event.request.uri = uri + 'index.html';
  return event.request;
}`),
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'OMS console',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: indexPages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}/${CONSOLE_PREFIX}/`;

    const assets = new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(props.siteDirectory, { exclude: ['index.html'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${CONSOLE_PREFIX}/`,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      // Old hashed assets stay: a page loaded before a deployment still finds its script.
      prune: false,
    });
    const page = new BucketDeployment(this, 'Page', {
      sources: [
        Source.asset(props.siteDirectory, { exclude: ['**', '!index.html'] }),
        Source.jsonData('config.json', {
          apiUrl: props.apiUrl.replace(/\/$/, ''),
          auth: { type: 'cognito', domain: props.auth.domain, clientId: props.auth.clientId },
        }),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${CONSOLE_PREFIX}/`,
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: [
        `/${CONSOLE_PREFIX}/`,
        `/${CONSOLE_PREFIX}/index.html`,
        `/${CONSOLE_PREFIX}/config.json`,
      ],
    });
    // The page names the assets, so it goes out once they are there.
    page.node.addDependency(assets);
    this.acknowledgeFindings();
  }

  /** Findings of the AWS Solutions checks that do not apply to a static site, each with its reason. */
  private acknowledgeFindings(): void {
    const acknowledge = (scope: Construct, findings: Record<string, string>) => {
      for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
    };
    acknowledge(this.bucket, {
      'AwsSolutions-S1': 'Static build output read only by CloudFront; the requests are the distribution’s.',
    });
    acknowledge(this.distribution, {
      'AwsSolutions-CFR1': 'Store staff and customer service work from many countries.',
      'AwsSolutions-CFR2': 'Static files only; every API call is authorized by the JWT authorizer.',
      'AwsSolutions-CFR3':
        'Static files, no personal data in the requests; the API logs every call it serves.',
      'AwsSolutions-CFR4':
        "The default CloudFront certificate; a retailer's own domain sets the TLS 1.2 minimum with it.",
    });
    // BucketDeployment's copier is one function per stack, at the stack's root; cdk-nag names each
    // wildcard of its policy as a finding of its own.
    const stack = Stack.of(this);
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${rendered(stack.account, 'AccountId')}-${rendered(stack.region, 'Region')}`;
    const consoleBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const copier = 'CDK BucketDeployment copier';
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledge(child, {
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': `${copier}: the basic execution role, for its logs.`,
        'AwsSolutions-IAM5[Action::s3:GetObject*]': `${copier}: reads the build from the CDK asset bucket (a grant of CDK).`,
        'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${copier}: reads the build from the CDK asset bucket (a grant of CDK).`,
        'AwsSolutions-IAM5[Action::s3:List*]': `${copier}: lists what it copies and replaces (a grant of CDK).`,
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${copier}: replaces the page and config.json (a grant of CDK).`,
        'AwsSolutions-IAM5[Action::s3:Abort*]': `${copier}: aborts an upload that failed (a grant of CDK).`,
        [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`]: `${copier}: the build's objects in the CDK asset bucket.`,
        [`AwsSolutions-IAM5[Resource::<${consoleBucket}.Arn>/*]`]: `${copier}: every object of the console's own bucket.`,
        'AwsSolutions-IAM5[Resource::*]': `${copier}: cloudfront:CreateInvalidation and GetInvalidation support no resource-level permissions.`,
        'AwsSolutions-L1': `${copier}: its runtime is chosen by aws-cdk-lib.`,
      });
    }
  }
}
