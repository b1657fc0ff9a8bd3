import React from 'react';
import DOMPurify from 'dompurify';

export function Comment({ comment }) {
  return <div dangerouslySetInnerHTML={{ __html: comment.body }} />; // vuln
}

export function SafeComment({ comment }) {
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.body) }} />; // safe
}

export function Profile({ user }) {
  return <a href={user.website}>site</a>; // vuln
}

export function Search() {
  const q = new URLSearchParams(window.location.search).get('q');
  return <div dangerouslySetInnerHTML={{ __html: q }} />; // vuln
}

export function Text({ text }) {
  return <p>{text}</p>; // safe
}
